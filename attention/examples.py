"""Built-in example texts, written for this project (free to reuse with it)."""

from __future__ import annotations

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
Mara kept a lantern by the door of the lighthouse. Every evening she climbed the stairs, \
lit the lantern and watched the boats come home. One night the fog was thick and the lantern \
was not enough. Mara heard a bell far out on the water. She took the lantern, ran down to the \
beach and waved it high above her head. The bell rang again, closer now. A small boat came out \
of the fog, and a boy with a wet coat jumped onto the sand. He said that he had lost the light \
and followed the bell. Mara gave him a blanket and a cup of tea. In the morning the fog was gone, \
the sea was calm, and the boy rowed home. From that night on, Mara rang a bell every time the fog \
came in, and every boat that heard the bell found the way home.
"""

PATTERNS = """\
The cat sat on the mat. The dog sat on the log. The frog sat on the log.
The cat ate the fish. The dog ate the bone. The frog ate the fly.
The cat sat on the mat. The dog sat on the log. The bird sat on the branch.
The cat chased the mouse. The dog chased the cat. The bird chased the fly.
The cat ate the fish. The dog ate the bone. The bird ate the seed.
The cat sat on the mat. The dog sat on the log. The frog sat on the log.
"""

EXAMPLES: dict[str, str] = {
    "Nursery rhyme": NURSERY_RHYME,
    "Short story": SHORT_STORY,
    "Repeated patterns": PATTERNS,
}
"""Name shown in the app -> text. The first one opens by default."""

DEFAULT_EXAMPLE = next(iter(EXAMPLES))
