"""Byte-pair encoding on lists of symbol ids: learn merges from word counts, apply them to one word.

Learning: count every pair of neighbouring symbols in every word (times the word's count), merge the
most frequent pair everywhere into one new symbol, and repeat. Applying: in a new word, keep merging
the neighbouring pair that was learned earliest, so a word ends up cut as the training text was.
Strings, pre-tokenization and byte fallback live in `subword.py`; here a symbol is an int.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Sequence

Pair = tuple[int, int]
"""Two neighbouring symbols, (left id, right id)."""


def _merge_in_word(word: list[int], pair: Pair, new: int) -> tuple[list[int], list[tuple[Pair, int]]]:
    """`word` with every `pair`, left to right, replaced by `new`, and the pair counts that changed.

    "a a a" merging (a, a) gives "aa a": occurrences overlap, the leftmost wins. The changes are
    exactly those of tokenizers' `Word::merge`, so the counts below stay identical to theirs.
    """
    left, right = pair
    merged: list[int] = []
    changes: list[tuple[Pair, int]] = []
    i, n = 0, len(word)
    while i < n:
        if i + 1 < n and word[i] == left and word[i + 1] == right:
            if merged:
                changes += [((merged[-1], left), -1), ((merged[-1], new), 1)]
            if i + 2 < n:
                changes += [((right, word[i + 2]), -1), ((new, word[i + 2]), 1)]
            merged.append(new)
            i += 2
        else:
            merged.append(word[i])
            i += 1
    return merged, changes


def learn_merges(
    words: Sequence[list[int]],  # each word as its symbols' ids
    counts: Sequence[int],  # how often each word occurs, same length
    names: list[str],  # symbol id -> its text; grows by one per new symbol
    merges: int,
) -> list[tuple[Pair, int, int]]:  # -> (pair, new id, count) in the order learned
    """Up to `merges` merges, each of the most frequent pair of neighbours at that moment.

    A pair's count is the number of places it occurs: Σ over words of (places in the word × word
    count); overlapping places count, so "aaa" holds "aa" twice. Ties go to the pair with the
    smaller (left id, right id), ids being the order in which symbols entered `names`.

    This is Hugging Face tokenizers' BpeTrainer step for step (tokenizers/src/models/bpe/trainer.rs),
    so both learn the same merges in the same order: a heap of (count, pair, words holding it) whose
    stale entries are refreshed when popped, counts updated only from each merge's changes. One quirk
    kept on purpose: a merge whose text already exists ("a"+"bc" after "ab"+"c") reuses that id.
    """
    index = {name: i for i, name in enumerate(names)}
    words = [list(word) for word in words]
    pair_counts: dict[Pair, int] = defaultdict(int)
    holders: dict[Pair, set[int]] = defaultdict(set)
    for w, (word, count) in enumerate(zip(words, counts, strict=True)):
        for pair in itertools.pairwise(word):
            pair_counts[pair] += count
            holders[pair].add(w)
    order = itertools.count()  # heap entries with equal (count, pair) pop in push order
    heap = [(-pair_counts[pair], pair, next(order), held) for pair, held in holders.items()]
    heapq.heapify(heap)
    learned: list[tuple[Pair, int, int]] = []
    while heap and len(learned) < merges:
        negative_count, pair, _, held = heapq.heappop(heap)
        count = pair_counts[pair]
        if -negative_count != count:  # stale: the pair's count changed since it was pushed
            heapq.heappush(heap, (-count, pair, next(order), held))
            continue
        if count < 1:
            break
        text = names[pair[0]] + names[pair[1]]
        if text not in index:
            index[text] = len(names)
            names.append(text)
        new = index[text]
        learned.append((pair, new, count))
        grown: dict[Pair, set[int]] = defaultdict(set)
        for w in held:
            words[w], changes = _merge_in_word(words[w], pair, new)
            for changed, step in changes:
                pair_counts[changed] += step * counts[w]
                if step > 0:
                    grown[changed].add(w)
        for changed, held_by in grown.items():
            if pair_counts[changed] > 0:
                heapq.heappush(heap, (-pair_counts[changed], changed, next(order), held_by))
    return learned


def apply_merges(
    symbols: Sequence[int],  # one word's symbol ids, [n]
    ranks: dict[Pair, tuple[int, int]],  # pair -> (when it was learned, new id)
) -> tuple[list[int], list[int]]:  # -> merged ids [m], where each starts in `symbols` [m]
    """The word's symbols with learned merges applied, earliest learned first, leftmost first.

    A heap of (rank, position) over a linked list of symbols: n log n, so a 100,000-letter "word"
    costs no more per letter than a short one. Same order as tokenizers' `Word::merge_all`.
    """
    ids = list(symbols)
    n = len(ids)
    following = list(range(1, n + 1))  # next live symbol; n = none
    preceding = list(range(-1, n - 1))  # previous live symbol; -1 = none
    heap = [(ranks[pair][0], i) for i, pair in enumerate(itertools.pairwise(ids)) if pair in ranks]
    heapq.heapify(heap)
    while heap:
        rank, i = heapq.heappop(heap)
        j = following[i]
        if ids[i] < 0 or j >= n or ranks.get((ids[i], ids[j]), (-1,))[0] != rank:
            continue  # expired: one side was merged into something else first
        ids[i], ids[j] = ranks[ids[i], ids[j]][1], -1
        following[i] = following[j]
        if following[i] < n:
            preceding[following[i]] = i
        for left in (preceding[i], i):
            if left >= 0 and following[left] < n and (pair := (ids[left], ids[following[left]])) in ranks:
                heapq.heappush(heap, (ranks[pair][0], left))
    starts = [i for i in range(n) if ids[i] >= 0]
    return [ids[i] for i in starts], starts
