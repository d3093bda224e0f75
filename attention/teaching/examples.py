"""Built-in example texts, written for this project (free to reuse with it)."""

from __future__ import annotations

from .collection import example_text, prompts

NURSERY_RHYME = """\
Little owl, little owl, sitting in the tree,
what do you see when you look at me?
I see the moon and I see the sea,
and I see a little boat coming home to me.

Little fox, little fox, running down the hill,
what do you hear when the night is still?
I hear the wind and I hear the mill,
and I hear a little bird singing on the sill.

Little owl, little owl, sitting in the tree,
what do you see when you look at me?
I see the moon and I see the sea,
and I see a little fox coming home to me.
"""

SHORT_STORY = """\
Every morning Mara walked down to the harbour with her lantern. She said good morning to the \
baker, good morning to the fisher, and good morning to the old grey cat. Every evening Mara \
walked back up from the harbour with her lantern. She said good night to the baker, good night \
to the fisher, and good night to the old grey cat.

One morning the fog was so thick that the boats could not find the harbour. Mara lit her lantern \
and held it high. The baker saw the light, the fisher saw the light, and the old grey cat saw the \
light. One by one the boats came home to the harbour.

That evening Mara walked back up from the harbour with her lantern. She said good night to the \
baker, good night to the fisher, and good night to the old grey cat, and the old grey cat \
followed the light all the way home.
"""

PATTERNS = """\
The cat sat on the mat. The dog sat on the log. The frog sat on the log.
The cat ate the fish. The dog ate the bone. The frog ate the fly.
The cat sat on the mat. The dog sat on the log. The bird sat on the branch.
The cat chased the mouse. The dog chased the cat. The bird chased the fly.
The cat ate the fish. The dog ate the bone. The bird ate the seed.
The cat sat on the mat. The dog sat on the log. The frog sat on the log.
"""

PROMPT_NAMES = (
    "Grandmother's bees",
    "The twins at the harbour",
    "Tomas and the train",
    "Grandpa Joe's blue hat",
    "Kites in autumn",
    "The dog at the window",
)
"""Names for the passages of corpus/prompts/en.txt, in order: prompts no story of the collection contains."""

EXAMPLES: dict[str, str] = {
    **dict(zip(PROMPT_NAMES, prompts("en"), strict=True)),
    "Nursery rhyme": NURSERY_RHYME,
    "La gaviota (a Spanish rhyme)": example_text("es", "rima"),
    "小灯塔 (a Chinese rhyme)": example_text("zh", "erge"),
    "Short story": SHORT_STORY,
    "Repeated patterns": PATTERNS,
}
"""Name shown in the app -> text. The first one opens by default: a prompt the built-in collection's model
has not read. The others are small texts of their own, to train on themselves (the memorising case); the
Spanish and Chinese rhymes show an English model's unknown words, and subword pieces of any script."""

DEFAULT_EXAMPLE = next(iter(EXAMPLES))
