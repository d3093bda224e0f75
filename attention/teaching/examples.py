"""Built-in example texts, written for this project (free to reuse with it)."""

from __future__ import annotations

from ..i18n import N_
from .collection import LANGUAGES, example_text, prompts

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

PROMPT_NAMES = {
    "en": (
        N_("Grandmother's bees"),
        N_("The twins at the harbour"),
        N_("Tomas and the train"),
        N_("Grandpa Joe's blue hat"),
        N_("Kites in autumn"),
        N_("The dog at the window"),
    ),
    "es": (
        N_("Spanish: Lucía and the bees"),
        N_("Spanish: Tomás at the harbour"),
        N_("Spanish: the library cat"),
        N_("Spanish: rain at the market"),
    ),
    "zh": (
        N_("Chinese: Xiaoyu and the bees"),
        N_("Chinese: Aming at the harbour"),
        N_("Chinese: the library cat"),
        N_("Chinese: rain at the market"),
    ),
}
"""Names for the passages of corpus/prompts/<language>.txt, in order: prompts no story of that language's
collection contains."""

EXAMPLES: dict[str, str] = {
    **{
        name: text
        for language in LANGUAGES
        for name, text in zip(PROMPT_NAMES[language], prompts(language), strict=True)
    },
    N_("Nursery rhyme"): NURSERY_RHYME,
    N_("La gaviota (a Spanish rhyme)"): example_text("es", "rima"),
    N_("小灯塔 (a Chinese rhyme)"): example_text("zh", "erge"),
    N_("Short story"): SHORT_STORY,
    N_("Repeated patterns"): PATTERNS,
}
"""Name (an English msgid, shown translated) -> text. The prompts come first: passages the model of their
language's collection has not read. The others are small texts of their own, to train on themselves (the
memorising case); the Spanish and Chinese rhymes show an English model's unknown words, and subword pieces of
any script."""

DEFAULT_EXAMPLES = {language: names[0] for language, names in PROMPT_NAMES.items()}
"""The example a page opens on, by the language of the collection its model reads."""

DEFAULT_EXAMPLE = DEFAULT_EXAMPLES["en"]
