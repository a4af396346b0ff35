"""holdout2's special rule: no phrase added in round three may occur in it.

holdout2 was written before round three and its errors were never used to choose round three's phrases
or templates (docs/detect.md). Its accuracy floors are with the other held-out sets in
test_held_out_sets.py.
"""

from pathlib import Path

from fanzha.detect.corpora import load_realistic
from fanzha.detect.lexicon import LEXICON
from fanzha.detect.normalize import normalize

HOLDOUT2 = Path(__file__).parent / "data" / "holdout2.jsonl"
# Phrases added in round three (after holdout2 was written) start here in LEXICON.
ROUND_THREE_FIRST_PHRASE = "身上钱不够"


def test_no_round_three_phrase_was_copied_from_holdout2() -> None:
    texts = [normalize(str(it["text"])).text for it in load_realistic(HOLDOUT2)]
    phrases = [c.phrase for c in LEXICON]
    start = phrases.index(ROUND_THREE_FIRST_PHRASE)
    round_three = [c.phrase for c in LEXICON[start:] if c.weight > 0]
    assert [p for p in round_three if any(p in t for t in texts)] == []
