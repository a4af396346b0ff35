"""Feature scan and scoring of many texts at once, in NumPy: the engine's batch path.

The per-text path runs the model's Aho-Corasick automaton, which costs ~0.4 us per feature hit in
Python tuples (measured: 13 us of a 27-character SMS). Here every character of the joined batch
becomes a small alphabet id (0 = a character no feature contains), the n-grams of each feature
length become one integer key each (``n * bits <= 63``), and one look-up in a cuckoo hash table of
the features' keys finds every occurrence. A dense table over two-character keys gives the
two-character features directly and says where a longer window is worth a look-up (some feature of
that length starts with its first two characters and ends with its last two). Keys of different
lengths cannot collide, because no feature character has id 0; a window with a leading 0 only
re-finds a shorter feature at the same end. Features longer than a key holds (a few lexicon phrases)
are found by their prefix and confirmed with ``str.startswith``. ``tests/detect/test_batch_path.py``
checks the result against the automaton on the realistic sets and generated text.

Scores are summed in 2**-32 fixed point (int64): an integer sum does not depend on the order of its
terms, so the per-text and batch paths give bit-identical probabilities and types (the float32
weights move by < 1e-9).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

FIXED_POINT = 2.0**32
_MAX_CODE_POINT = 0x110000
_MAX_PREFIX_BITS = 22  # two-character keys up to 2**22 get a dense prefix table (16 MB)
_EMPTY = -1


@dataclass(frozen=True)
class Presence:
    """Distinct (text, feature) pairs of a batch, sorted by text then feature, with the end index
    (inclusive, in the text) of each feature's first occurrence."""

    text: IntArray
    feature: IntArray
    first_end: IntArray
    n_texts: int

    def offsets(self) -> IntArray:
        """Text i's pairs are ``[offsets[i], offsets[i + 1])`` (computed once: every score uses them)."""
        return self._offsets

    @cached_property
    def _offsets(self) -> IntArray:
        out: IntArray = np.searchsorted(self.text, np.arange(self.n_texts + 1, dtype=np.int64))
        return out


class _CuckooTable:
    """int64 key -> int64 value with two candidate slots per key: a look-up is two gathers."""

    def __init__(self, keys: list[int], values: list[int]) -> None:
        bits = max(4, (max(1, len(keys)) * 3).bit_length())  # load factor 1/3 to 2/3
        rng = random.Random(0)
        for _attempt in range(64):
            self.shift = np.uint64(64 - bits)
            self.mults = (np.uint64(rng.getrandbits(64) | 1), np.uint64(rng.getrandbits(64) | 1))
            table = self._fill(keys, values, 1 << bits)
            if table is not None:
                self.keys = np.array(table[0], dtype=np.int64)
                self.values = np.array(table[1], dtype=np.int64)
                return
            bits += 1
        raise RuntimeError("cuckoo table could not be built")  # pragma: no cover - needs adversarial keys

    def _slots(self, keys: IntArray) -> tuple[IntArray, IntArray]:
        u = keys.view(np.uint64)  # keys are >= 0; views, not copies, on the hot path
        first = u * self.mults[0]
        first >>= self.shift
        second = u * self.mults[1]
        second >>= self.shift
        return first.view(np.int64), second.view(np.int64)

    def _fill(self, keys: list[int], values: list[int], size: int) -> tuple[list[int], list[int]] | None:
        if not keys:
            return [_EMPTY] * size, [0] * size
        s1, s2 = (s.tolist() for s in self._slots(np.array(keys, dtype=np.int64)))
        slots = {k: (a, b) for k, a, b in zip(keys, s1, s2, strict=True)}
        table, table_values = [_EMPTY] * size, [0] * size
        for key, value in zip(keys, values, strict=True):
            slot = slots[key][0]
            for _kick in range(500):
                if table[slot] == _EMPTY:
                    table[slot], table_values[slot] = key, value
                    break
                (table[slot], key), (table_values[slot], value) = (key, table[slot]), (value, table_values[slot])
                a, b = slots[key]
                slot = b if slot == a else a
            else:
                return None
        return table, table_values

    def find(self, queries: IntArray) -> tuple[IntArray, IntArray]:
        """(positions in ``queries`` that are keys, their values)."""
        u = queries.view(np.uint64)  # queries are >= 0; views, not copies, on the hot path
        slot = u * self.mults[0]
        slot >>= self.shift
        slot1 = slot.view(np.int64)
        in_first = self.keys[slot1] == queries
        first = np.flatnonzero(in_first)
        rest = np.flatnonzero(~in_first)  # most queries that can match sit in their first slot
        slot = u[rest] * self.mults[1]
        slot >>= self.shift
        slot2 = slot.view(np.int64)
        second = np.flatnonzero(self.keys[slot2] == queries[rest])
        return (
            np.concatenate([first, rest[second]]),
            np.concatenate([self.values[slot1[first]], self.values[slot2[second]]]),
        )


class FeatureIndex:
    """Integer-key index of a model's features and its fixed-point weights (built once per model)."""

    def __init__(self, features: Sequence[str], weights: npt.NDArray[np.float32], bias: npt.NDArray[np.float32]):
        self.features = list(features)
        self.n_features = len(features)
        w = np.round(np.asarray(weights, dtype=np.float64) * FIXED_POINT).astype(np.int64)
        b = np.round(np.asarray(bias, dtype=np.float64) * FIXED_POINT).astype(np.int64)
        self.binary: IntArray = np.ascontiguousarray(w[:, :1].T)  # one row: a gather along contiguous memory
        self.binary_bias = int(b[0])
        self.types: IntArray = np.ascontiguousarray(w[:, 1:])  # feature-major: a sparse product reads rows
        self.type_bias: IntArray = b[1:]
        alphabet = sorted({ch for f in features for ch in f})
        self.bits = max(1, len(alphabet).bit_length())
        self.max_key_len = max(1, 63 // self.bits)
        # Code point -> alphabet id, in the narrowest type (a cold 2 MB table costs fewer cache misses than 9 MB).
        lut = np.zeros(_MAX_CODE_POINT, dtype=np.int16 if len(alphabet) < 1 << 15 else np.int32)
        lut[[ord(ch) for ch in alphabet]] = np.arange(1, len(alphabet) + 1)
        self.lut = lut
        by_key: dict[int, int] = {}
        long_by_prefix: dict[int, list[int]] = {}
        last_id = {f: fid for fid, f in enumerate(features) if f}  # a repeated feature: the automaton keeps the last id
        for f, fid in last_id.items():
            if len(f) <= self.max_key_len:
                by_key[self._key(f)] = fid
            else:
                long_by_prefix.setdefault(self._key(f[: self.max_key_len]), []).append(fid)
        self.lengths = sorted({len(f) for f in features if 0 < len(f) <= self.max_key_len})
        if long_by_prefix and self.max_key_len not in self.lengths:
            self.lengths.append(self.max_key_len)
        self.table = _CuckooTable(list(by_key), list(by_key.values()))
        self.long_by_prefix = list(long_by_prefix.values())
        self.long_table = _CuckooTable(list(long_by_prefix), list(range(len(long_by_prefix))))
        self.prefix_flags = self._prefix_flags([f for f in features if len(f) >= 2])

    def _prefix_flags(self, features: list[str]) -> npt.NDArray[Any] | None:
        """Dense table over every two-character key, with K = ``max_key_len``: bit L-2 when some feature
        of length L starts with it (bit K-1: a feature longer than K), bit K+L-2 when some feature of
        length 3 <= L <= K ends with it (bit 2K-1: the K-prefix of a longer one), and from bit 2K on,
        1 + the id of the two-character feature equal to it (0: none). A window of length L is looked up
        only where both its first and its last two characters allow it (about a quarter of an SMS's
        positions for lengths 3 and 4, a few percent beyond), and two-character features need no look-up
        at all (a 16 MB table at 11-bit ids; none for bigger alphabets)."""
        if self.max_key_len < 2 or 2 * self.bits > _MAX_PREFIX_BITS:
            return None
        k = self.max_key_len
        dtype = np.uint32 if (self.n_features + 1) << (2 * k) < 1 << 32 else np.uint64
        flags = np.zeros(1 << (2 * self.bits), dtype=dtype)
        for f in features:
            bit = len(f) - 2 if len(f) <= k else k - 1
            flags[self._key(f[:2])] |= dtype(1 << bit)
            if len(f) > 2:
                flags[self._key(f[: min(len(f), k)][-2:])] |= dtype(1 << (k + bit))
        last_id = {f: fid for fid, f in enumerate(self.features) if len(f) == 2}  # as the automaton: the last
        for f, fid in last_id.items():
            flags[self._key(f)] |= dtype((fid + 1) << (2 * k))
        return flags

    def _key(self, gram: str) -> int:
        key = 0
        for ch in gram:
            key = (key << self.bits) | int(self.lut[ord(ch)])
        return key

    def presence(self, texts: Sequence[str]) -> Presence:
        """Every distinct feature of every text (the automaton's hits, de-duplicated)."""
        n = len(texts)
        total = sum(map(len, texts)) + n
        if n > 1 and n.bit_length() + self.n_features.bit_length() + total.bit_length() > 63:
            half = self.presence(texts[: n // 2]), self.presence(texts[n // 2 :])  # pragma: no cover - huge
            return Presence(
                np.concatenate([half[0].text, half[1].text + n // 2]),
                np.concatenate([half[0].feature, half[1].feature]),
                np.concatenate([half[0].first_end, half[1].first_end]),
                n,
            )
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
        joined = "\x00".join(texts)
        size = len(joined)
        text_of = np.repeat(np.arange(n, dtype=np.int64), lengths + 1)  # text index of every position
        # Alphabet ids, padded with max_key_len zeros: a window that runs past the end holds a trailing 0
        # and so matches no key (np.take: cheaper than fancy indexing for the big look-up tables).
        ids = np.zeros(size + self.max_key_len, dtype=np.int64)
        ids[:size] = np.take(self.lut, np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
        ids[starts[1:] - 1] = 0  # the joins: no window across two texts can match
        ends: list[IntArray] = []
        fids: list[IntArray] = []
        if self.prefix_flags is not None:
            windows, (long_at, long_keys), (pair_end, pair_fid) = self._flagged_windows(ids)
            ends.append(pair_end)
            fids.append(pair_fid)
        else:
            windows, (long_at, long_keys) = self._all_windows(ids, size)
        if windows:
            found, fid = self.table.find(np.concatenate([keys for _, _, keys in windows]))
            ends.append(np.concatenate([at + (length - 1) for length, at, _ in windows])[found])
            fids.append(fid)
        if self.long_by_prefix and len(long_at):
            long_end, long_fid = self._long_hits(joined, long_at, long_keys, starts, text_of)
            ends.append(long_end)
            fids.append(long_fid)
        end = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
        fid = np.concatenate(fids) if fids else np.zeros(0, dtype=np.int64)
        # One sort orders the hits by text, feature and end (bit fields of one int64, all distinct): the
        # first hit of each (text, feature) pair is its first occurrence.
        end_bits, feature_bits = size.bit_length(), self.n_features.bit_length()
        packed = np.take(text_of, end) << (feature_bits + end_bits)
        packed |= fid << end_bits
        packed |= end
        packed.sort()
        pair = packed >> end_bits
        first = np.empty(len(pair), dtype=np.bool_)
        first[:1] = True
        np.not_equal(pair[1:], pair[:-1], out=first[1:])
        packed = packed[first]
        text = packed >> (feature_bits + end_bits)
        fid = (packed >> end_bits) & ((1 << feature_bits) - 1)
        end = packed & ((1 << end_bits) - 1)
        end -= starts[text]
        return Presence(text, fid, end, n)

    def _flagged_windows(
        self, ids: IntArray
    ) -> tuple[list[tuple[int, IntArray, IntArray]], tuple[IntArray, IntArray], tuple[IntArray, IntArray]]:
        """(length, start positions, keys) of the windows worth a look-up, (positions, prefix keys) of the
        candidates of longer features, and (end, feature) of the two-character features (read straight
        from the prefix table). A window is worth a look-up only where the prefix table says that some
        feature of its length starts with its first two characters (about half of the positions for
        length 3, a few percent beyond); keys are built at those positions only."""
        assert self.prefix_flags is not None
        k = self.max_key_len
        size = len(ids) - k
        pair = ids[:-1] << self.bits
        pair |= ids[1:]
        flags = np.take(self.prefix_flags, pair)
        pair_at = np.flatnonzero(flags >= (1 << (2 * k)))
        pair_fid = (flags[pair_at] >> (2 * k)).astype(np.int64) - 1
        windows: list[tuple[int, IntArray, IntArray]] = []
        if 1 in self.lengths:
            windows.append((1, np.arange(size, dtype=np.int64), ids[:size]))
        long_at, long_keys = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        keys = pair  # keys[i]: the window of the current length that starts at position i
        for length in range(3, k + 1):
            keys = (keys[:-1] << self.bits) | ids[length - 1 :]
            ends = flags[length - 2 :]  # the last two characters of the window at the same index
            bits = [length - 2] if length in self.lengths else []
            if length == k and self.long_by_prefix:
                bits.append(k - 1)
            for bit in bits:
                at = np.flatnonzero(((flags[: len(keys)] & (1 << bit)) != 0) & ((ends & (1 << (k + bit))) != 0))
                if bit == length - 2:
                    windows.append((length, at, keys[at]))
                else:
                    long_at, long_keys = at, keys[at]
        return windows, (long_at, long_keys), (pair_at + 1, pair_fid)

    def _all_windows(
        self, ids: IntArray, size: int
    ) -> tuple[list[tuple[int, IntArray, IntArray]], tuple[IntArray, IntArray]]:
        """``_flagged_windows`` without a prefix table (big alphabets): every window of every length."""
        windows: list[tuple[int, IntArray, IntArray]] = []
        long_at, long_keys = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        keys = ids[:size]  # keys[i]: the window of the current length that starts at position i
        for length in range(1, max(self.lengths, default=0) + 1):
            if length > size:
                break
            if length > 1:
                keys = (keys[:-1] << self.bits) | ids[length - 1 : size]
            if length in self.lengths:
                windows.append((length, np.arange(len(keys), dtype=np.int64), keys))
            if length == self.max_key_len and self.long_by_prefix:
                long_at, long_keys = np.arange(len(keys), dtype=np.int64), keys
        return windows, (long_at, long_keys)

    def _long_hits(
        self, joined: str, positions: IntArray, prefix_keys: IntArray, starts: IntArray, text_of: IntArray
    ) -> tuple[IntArray, IntArray]:
        found, groups = self.long_table.find(prefix_keys)
        candidates = positions[found]
        # Exclusive end of the text each candidate starts in (a match must not run into the next text).
        limits = np.append(starts[1:] - 1, len(joined))[text_of[candidates]]
        long_end: list[int] = []
        long_fid: list[int] = []
        for start, limit, group in zip(candidates.tolist(), limits.tolist(), groups.tolist(), strict=True):
            for fid in self.long_by_prefix[group]:
                gram = self.features[fid]
                if start + len(gram) <= limit and joined.startswith(gram, start):
                    long_end.append(start + len(gram) - 1)
                    long_fid.append(fid)
        return np.array(long_end, dtype=np.int64), np.array(long_fid, dtype=np.int64)

    def scores(self, presence: Presence) -> FloatArray:
        """(n_texts, 1 + classes): bias plus the weight rows of each text's distinct features."""
        offsets = presence.offsets()
        binary = (self._sums(self.binary, presence.feature, offsets)[0] + self.binary_bias) / FIXED_POINT
        types = (self._type_sums(presence.feature, offsets) + self.type_bias) / FIXED_POINT
        out: FloatArray = np.column_stack([binary, types])
        return out

    def logits(self, presence: Presence) -> FloatArray:
        """Column 0 of ``scores`` (the binary fraud log-odds), without the type columns."""
        sums = self._sums(self.binary, presence.feature, presence.offsets())
        out: FloatArray = (sums[0] + self.binary_bias) / FIXED_POINT
        return out

    def best_types(self, presence: Presence, texts: IntArray) -> IntArray:
        """``argmax(scores[i, 1:])`` for each listed text i (distinct, ascending): the type columns are
        only summed for the texts that need a type (fraud verdicts and cues)."""
        offsets = presence.offsets()
        first, counts = offsets[texts], offsets[texts + 1] - offsets[texts]
        sub_offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(counts, out=sub_offsets[1:])
        pairs = np.repeat(first - sub_offsets[:-1], counts) + np.arange(sub_offsets[-1], dtype=np.int64)
        sums = self._type_sums(presence.feature[pairs], sub_offsets)
        best: IntArray = np.argmax(sums + self.type_bias, axis=1)
        return best

    def _type_sums(self, features: IntArray, offsets: IntArray) -> IntArray:
        """(texts, classes) integer type sums: a sparse 0/1 matrix times the feature-major weights
        (exact in int64; 30% cheaper than gathering one class row at a time)."""
        from scipy.sparse import csr_matrix

        ones = np.ones(len(features), dtype=np.int64)
        x = csr_matrix((ones, features, offsets), shape=(len(offsets) - 1, self.n_features))
        sums: IntArray = np.asarray(x @ self.types)
        return sums

    @staticmethod
    def _sums(rows: IntArray, features: IntArray, offsets: IntArray) -> IntArray:
        """(len(rows), texts): per text, the sum of the given class-major weight rows over its features."""
        sums = np.zeros((rows.shape[0], len(offsets) - 1), dtype=np.int64)
        nonempty = np.flatnonzero(offsets[1:] > offsets[:-1])
        if nonempty.size:
            sums[:, nonempty] = np.add.reduceat(np.take(rows, features, axis=1), offsets[nonempty], axis=1)
        return sums

    def scores_one(self, feature_ids: Sequence[int]) -> FloatArray:
        """One text's row, from its automaton hits (any order, repeats allowed)."""
        fids = np.unique(np.asarray(feature_ids, dtype=np.int64))
        binary = (int(self.binary[0, fids].sum()) + self.binary_bias) / FIXED_POINT
        types = (self.types[fids].sum(axis=0) + self.type_bias) / FIXED_POINT
        out: FloatArray = np.concatenate([[binary], types])
        return out
