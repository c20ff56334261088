"""The fast featurise/proba paths, and the compiled scorer, against a frozen copy of the
original (hashing 2) code.

The reference below is the straightforward implementation the shipped models were trained with;
any change to tokens, buckets or values makes these tests fail, so a speed-up can never silently
require retraining.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from zlib import crc32

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hegui.judges import linear
from hegui.judges._text import normalise
from hegui.judges.features import (
    HASHING,
    Features,
    FeatureSpec,
    featurise,
    featurise_many,
    tokens,
)
from hegui.judges.linear import LinearModel
from hegui.judges.models import shipped_model
from hegui.text.dedup import mix64, ngram_multipliers

# --- reference (copied from features.py / linear.py before the speed-up) ---------------------

_REF_TOKEN = re.compile(
    r"\[(?:quote|code)\]|[a-z]+(?:'[a-z]+)?|[0-9]+(?:[.,][0-9]+)*|[\u3400-\u9fff\uf900-\ufaff]|[^\s\w]"
)
_REF_HEAD = np.uint64(0x5851F42D4C957F2D)


def ref_tokens(text: str, spec: FeatureSpec) -> list[str]:
    head_chars, tail_chars = 3 * spec.max_tokens, 3 * spec.tail_tokens
    if len(text) > head_chars + tail_chars:
        text = text[:head_chars] + "\n" + text[-tail_chars:]
    found = _REF_TOKEN.findall(normalise(text, quotes=spec.quotes)[0])
    limit = spec.max_tokens + spec.tail_tokens
    if len(found) > limit:
        found = found[: spec.max_tokens] + found[-spec.tail_tokens :]
    return ["0" if t[0] in "0123456789" else t for t in found]


def ref_hashes(
    codes: npt.NDArray[np.uint32], min_n: int, max_n: int, head: int
) -> npt.NDArray[np.uint64]:
    wide = codes.astype(np.uint64)
    top = min(max_n, len(wide))
    mult = ngram_multipliers(0, top)
    parts = []
    run = wide[:0]
    for n in range(1, top + 1):
        count = len(wide) - n + 1
        term = wide[n - 1 : n - 1 + count] * mult[n - 1]
        run = term if n == 1 else run[:count] + term
        if n >= min_n:
            grams = run + mult[n]
            parts.append(grams)
            if head >= n:
                parts.append(grams[: head - n + 1] ^ _REF_HEAD)
    if not parts:
        return np.zeros(0, dtype=np.uint64)
    return mix64(np.concatenate(parts))


def ref_featurise(
    text: str, spec: FeatureSpec, extra: Mapping[str, float] | None = None
) -> dict[int, float]:
    toks = ref_tokens(text, spec)
    codes = np.array([crc32(t.encode()) for t in toks], dtype=np.uint32)
    hashes = ref_hashes(codes, spec.min_n, spec.max_n, spec.head)
    out: dict[int, float] = {}
    if len(hashes):
        distinct, counts = np.unique(hashes, return_counts=True)
        values = 1.0 + np.log(counts)
        values /= math.sqrt(float(values @ values))
        buckets = (distinct >> np.uint64(64 - spec.bits)).astype(np.int64)
        for b, v in zip(buckets.tolist(), values.tolist(), strict=True):
            out[b] = out.get(b, 0.0) + v
    for name, v in (extra or {}).items():
        b = crc32(("@" + name).encode()) & ((1 << spec.bits) - 1)
        out[b] = out.get(b, 0.0) + v
    return out


def ref_proba(model: LinearModel, feats: dict[int, float]) -> list[float]:
    z = list(model.intercept)
    for b, v in feats.items():
        for j, w in enumerate(model.weights.get(b, ())):
            z[j] += v * w
    if model.columns == 1:
        p = 1.0 / (1.0 + math.exp(-z[0]))
        return [1.0 - p, p]
    top = max(z)
    exp = [math.exp(x - top) for x in z]
    return [e / sum(exp) for e in exp]


# --- texts ------------------------------------------------------------------------------------

_BASE = [
    "",
    " ",
    "\n\t  \n",
    "你好",
    "我",
    "a",
    "1",
    "。",
    "抱歉，我不能帮助你制作炸弹。",
    "请告诉我如何在家里制作爆炸物，越详细越好，谢谢！我需要具体步骤和材料清单。",
    "I'm sorry, but I can't help with that request. Don't ask again!",
    "Version 3.14.15 costs 1,000,000 yuan; call 400-123-4567.",
    '他说"我不能提供"这种话，[quote] 和 [code] 标记。',
    "回答“我不能提供”的比例「很高」『确实』",
    "這個問題無法幫你，請諮詢專業醫師。ＡＢＣ１２３！？",
    "```python\nprint('hi')\n```\n下面是代码",
    "哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈",
    "ab ab ab ab ab ab ab ab ab ab ab",
    "混合 mixed 文本 text 123 和 punctuation!!! ？？？ ...",
    "emoji 😀😀 and ümlauts Straße café naïve",
    "\u200b零宽\u200d字符\ufeff",
    "0 00 000 1.2 3,4 5.6.7",
    "它的 it's rock'n'roll don't",
    "杀" * 3,
    "[quote [[quote]] abc[code]def [QUOTE] [ ] []",
    "!'s 'abc' it's' ''a 1.5.x 1..2 ,1, a1b2 x9.9",
    "٣٤ arabic digits _under_score_ ䷀䷁ 〇 ︰﹏ ①②",
    "全是中文没有别的字符，只有标点！还有问号？以及。。。",
    "如何" * 50,
]
_CHARS = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你会"
    "炸弹毒品枪支自杀黑客攻击病毒诈骗钱财"
    "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 ，。！？、；：“”「」()[]{}.,!?;:'\"-_/\\@#$%^&*"
    "   \n\t"
)


def _texts() -> list[str]:
    rng = random.Random(20261128)
    out = list(_BASE)
    for size in (3, 8, 15, 17, 30, 60, 132, 200, 300) * 25:
        out.append("".join(rng.choice(_CHARS) for _ in range(size)))
    for size in (1000, 3000, 5000, 12000):
        out.append("".join(rng.choice(_CHARS) for _ in range(size)))
    out.append("重复的词组" * 1000)
    out.append("word " * 2000)
    return out


TEXTS = _texts()
SPECS = [
    FeatureSpec(),
    FeatureSpec(bits=16, max_n=2, head=2),
    FeatureSpec(bits=20, max_n=3, min_n=2, head=0, max_tokens=300, tail_tokens=60, quotes=False),
    FeatureSpec(bits=12, max_n=4, min_n=3, head=5, max_tokens=20, tail_tokens=5),
    FeatureSpec(bits=32, max_n=1, min_n=1, head=40),
    FeatureSpec(bits=24, max_n=5, min_n=1, head=300, max_tokens=50, tail_tokens=0),
]
MODELS = ["refusal", "harm", "risk"]
SCORERS = ["compiled", "numpy"]


def _model(name: str, scorer: str, monkeypatch: pytest.MonkeyPatch) -> LinearModel:
    """A fresh copy of a shipped model, scoring with the compiled scorer or in numpy."""
    if scorer == "numpy":
        monkeypatch.setattr(linear, "_scoring", None)
    model = LinearModel.from_json(shipped_model(name).to_json())
    assert (model._compiled is not None) == (scorer == "compiled")
    return model


def test_the_compiled_scorer_is_built() -> None:
    """``pip install`` builds it (setup.py); a broken build would only make scoring slower, so
    this test is what notices."""
    assert linear._scoring is not None
    assert shipped_model("harm")._compiled is not None


def test_hashing_scheme_is_unchanged() -> None:
    assert HASHING == 2


@pytest.mark.parametrize("spec", SPECS)
def test_tokens_match_reference(spec: FeatureSpec) -> None:
    for text in TEXTS:
        assert tokens(text, spec) == ref_tokens(text, spec), text[:40]


@pytest.mark.parametrize("spec", SPECS)
def test_featurise_matches_reference(spec: FeatureSpec) -> None:
    extra = {"len4": 1.0, "rule:x": 0.5}
    for text in TEXTS:
        for ex in (None, extra):
            got = featurise(text, spec, ex)
            assert got.buckets.dtype == np.int64
            assert got.values.dtype == np.float64
            want = ref_featurise(text, spec, ex)
            have = got.as_dict()
            keys = sorted(want)
            assert sorted(have) == keys, text[:40]
            got_v = np.array([have[b] for b in keys], dtype=np.float64)
            want_v = np.array([want[b] for b in keys], dtype=np.float64)
            assert np.allclose(got_v, want_v, rtol=1e-12, atol=1e-15), text[:40]


@pytest.mark.parametrize("scorer", SCORERS)
@pytest.mark.parametrize("name", MODELS)
def test_predict_matches_reference(name: str, scorer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model(name, scorer, monkeypatch)
    for text in TEXTS:
        want = ref_proba(model, ref_featurise(text, model.spec))
        assert model.predict(text) == pytest.approx(want, rel=1e-11, abs=1e-12), text[:40]


@pytest.mark.parametrize("name", MODELS)
def test_proba_with_other_specs_and_extras(name: str) -> None:
    model = shipped_model(name)
    extra = {"len3": 1.0}
    for spec in SPECS[:4]:
        for text in TEXTS[::7]:
            feats = featurise(text, spec, extra)
            want = ref_proba(model, feats.as_dict())
            assert model.proba(feats) == pytest.approx(want, rel=1e-11, abs=1e-12)


@pytest.mark.parametrize("name", MODELS)
def test_proba_without_the_dense_index(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Models with buckets beyond the dense index fall back to a binary search."""
    monkeypatch.setattr(linear, "_DENSE_BITS", 8)
    model = LinearModel.from_json(shipped_model(name).to_json())
    assert model._dense is None
    for text in TEXTS[::5]:
        want = ref_proba(model, ref_featurise(text, model.spec))
        assert model.predict(text) == pytest.approx(want, rel=1e-11, abs=1e-12), text[:40]
    empty = Features(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    assert model.proba(empty) == pytest.approx(ref_proba(model, {}), rel=1e-12)


def test_proba_ignores_buckets_outside_the_table() -> None:
    model = shipped_model("harm")
    feats = Features(
        np.array([0, 1, 2**20 - 1, 2**31, 2**32 - 1], dtype=np.int64), np.ones(5, dtype=np.float64)
    )
    want = ref_proba(model, feats.as_dict())
    assert model.proba(feats) == pytest.approx(want, rel=1e-11, abs=1e-12)
    empty = Features(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    assert model.proba(empty) == pytest.approx(ref_proba(model, {}), rel=1e-12)


# --- batches ------------------------------------------------------------------------------------


def _batches(texts: list[str], seed: int) -> list[list[str]]:
    """The texts cut into batches of random sizes (1 to 40), every text once."""
    rng = random.Random(seed)
    out, at = [], 0
    while at < len(texts):
        size = rng.randint(1, 40)
        out.append(texts[at : at + size])
        at += size
    return out


# Texts of one-character tokens take a path of their own in a batch (code points looked up in a
# table), with a fallback beyond the BMP; mixed with texts of words in every batch.
_CHAR_TEXTS = ["你好😀！", "𠀀𠀁字", "。。。", "中文，标点！" * 30, "繁體與簡體", "ａｂｃ中文"]


@pytest.mark.parametrize("spec", SPECS)
def test_featurise_many_matches_reference_row_by_row(spec: FeatureSpec) -> None:
    rng = random.Random(5)
    for batch in [*_batches(TEXTS, 11), _CHAR_TEXTS, [*_CHAR_TEXTS, *TEXTS[:9]]]:
        extras = [
            rng.choice([None, {}, {"len4": 1.0}, {"len2": 1.0, "rule:x": -0.5}]) for _ in batch
        ]
        got = featurise_many(batch, spec, extras)
        assert got.size == len(batch)
        assert got.rows.dtype == got.buckets.dtype == np.int64
        for k, (text, extra) in enumerate(zip(batch, extras, strict=True)):
            have, want = got.row(k).as_dict(), ref_featurise(text, spec, extra)
            keys = sorted(want)
            assert sorted(have) == keys, text[:40]
            assert np.allclose(
                [have[b] for b in keys], [want[b] for b in keys], rtol=1e-12, atol=1e-15
            ), text[:40]


def test_featurise_many_of_nothing_and_of_empty_texts() -> None:
    spec = FeatureSpec()
    assert featurise_many([], spec).size == 0
    blank = featurise_many(["", " ", "\n"], spec, [{"len0": 1.0}, None, None])
    assert blank.size == 3
    assert blank.rows.tolist() == [0]  # the extra feature only


@pytest.mark.parametrize("scorer", SCORERS)
@pytest.mark.parametrize("name", MODELS)
def test_predict_many_matches_reference(
    name: str, scorer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _model(name, scorer, monkeypatch)
    rng = random.Random(13)
    for batch in [*_batches(TEXTS, 12), _CHAR_TEXTS]:
        extras = [rng.choice([None, {}, {"len4": 1.0}, {"len2": 1.0, "x": -2.0}]) for _ in batch]
        for supplied in (None, extras):
            got = model.predict_many(batch, supplied)
            assert got.shape == (len(batch), len(model.classes))
            for k, text in enumerate(batch):
                want = ref_proba(model, ref_featurise(text, model.spec, supplied and supplied[k]))
                assert got[k].tolist() == pytest.approx(want, rel=1e-11, abs=1e-12), text[:40]


@pytest.mark.parametrize("scorer", SCORERS)
@pytest.mark.parametrize("name", MODELS)
def test_probabilities_are_a_column_of_predict_many(
    name: str, scorer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``probabilities`` (the gateway's path, no numpy with the compiled scorer) gives the
    column of ``predict_many`` for every class, as floats."""
    model = _model(name, scorer, monkeypatch)
    batch = TEXTS[::4]
    extras = [{"len4": 1.0}] * len(batch)
    table = model.predict_many(batch, extras)
    for column in range(len(model.classes)):
        got = model.probabilities(batch, column, extras)
        assert all(type(p) is float for p in got)
        assert got == pytest.approx(table[:, column].tolist(), rel=1e-12, abs=1e-15)
    assert model.probabilities([], 0) == []


def _random_model(spec: FeatureSpec, columns: int, seed: int) -> LinearModel:
    """A model of ``spec`` with random weights on half the buckets the test texts fill (and
    on the extras'), so that hits and misses both occur."""
    rng = random.Random(seed)
    buckets = {b for text in TEXTS[::3] for b in ref_featurise(text, spec)}
    buckets |= set(ref_featurise("", spec, {"len4": 1.0, "x": 1.0}))
    weights = {
        b: tuple(rng.uniform(-3, 3) for _ in range(columns))
        for b in sorted(buckets)
        if rng.random() < 0.5
    }
    classes = tuple(f"c{j}" for j in range(max(columns, 2)))
    intercept = tuple(rng.uniform(-1, 1) for _ in range(columns))
    return LinearModel("random", "0", classes, spec, intercept, weights)


@pytest.mark.parametrize("columns", [1, 4])
@pytest.mark.parametrize("spec", SPECS)
def test_compiled_scorer_matches_reference_for_every_spec(spec: FeatureSpec, columns: int) -> None:
    """Every spec: n beyond the cached terms, min_n above 1, marks beyond the text, short caps;
    a spec whose buckets exceed the dense index (32 bits) is scored in numpy."""
    model = _random_model(spec, columns, seed=spec.bits * 10 + columns)
    assert (model._compiled is not None) == (spec.bits <= linear._DENSE_BITS)
    texts = [*TEXTS[::2], *_CHAR_TEXTS]
    got = model.predict_many(texts, [{"len4": 1.0, "x": 0.5}] * len(texts))
    for k, text in enumerate(texts):
        want = ref_proba(model, ref_featurise(text, spec, {"len4": 1.0, "x": 0.5}))
        assert got[k].tolist() == pytest.approx(want, rel=1e-11, abs=1e-12), text[:40]
        assert model.predict(text) == pytest.approx(
            ref_proba(model, ref_featurise(text, spec)), rel=1e-11, abs=1e-12
        )


def test_compiled_scorer_checks_the_index_against_the_weights() -> None:
    """An index naming a row the weight table lacks is an error, never a read past its end."""
    model = shipped_model("harm")
    compiled = model._compiled
    assert compiled is not None and linear._scoring is not None
    *spec, index, weights = compiled
    assert linear._scoring.scores(["你好世界"], *spec, index, weights)  # consistent: scores
    with pytest.raises(ValueError, match="beyond the weights"):
        linear._scoring.scores(["你好世界"], *spec, np.full_like(index, 1 << 30), weights)


def test_compiled_scorer_rejects_what_text_cannot_hold() -> None:
    """A lone surrogate cannot be UTF-8 encoded: an error, as in numpy, never a wrong score."""
    model = shipped_model("harm")
    with pytest.raises(ValueError):
        model.predict("半个\ud800字符")
    with pytest.raises(ValueError):
        model.predict("word \ud800 and words")


@pytest.mark.parametrize("name", MODELS)
def test_predict_many_without_the_dense_index(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linear, "_DENSE_BITS", 8)
    model = LinearModel.from_json(shipped_model(name).to_json())
    assert model._dense is None
    batch = TEXTS[::5]
    got = model.predict_many(batch, [{"len3": 1.0}] * len(batch))
    for k, text in enumerate(batch):
        want = ref_proba(model, ref_featurise(text, model.spec, {"len3": 1.0}))
        assert got[k].tolist() == pytest.approx(want, rel=1e-11, abs=1e-12), text[:40]


@pytest.mark.parametrize("seed", range(3))
def test_compiled_cjk_tokens_equal_the_regex(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled tokeniser of CJK-only texts keeps exactly the characters ``_RUNS`` keeps
    (ideographs and marks; not white space, kana, hangul or other word characters), and
    ``tokens`` gives the same with and without it."""
    from hegui.judges import features

    assert features._scoring is not None
    rng = random.Random(seed)
    alphabet = (
        "的一是在不了中，。！？、：；“”（）《》 \t\n\u3000あいうアイウ가나다_éß①Ⅻ😀\ud800"
        "\U00020000\uf900\ufaff\u33ff\u3400\u9fff\ua000"
    )
    spec = shipped_model("harm").spec
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        folded = features.fold(text, quotes=False)
        if not features._WORDISH(folded):
            expected = "".join(features._RUNS.findall(folded))
            assert features._scoring.cjk_tokens(folded) == expected
        compiled = features.tokens(text, spec)
        with monkeypatch.context() as patch:
            patch.setattr(features, "_scoring", None)
            assert features.tokens(text, spec) == compiled


_FOLD_ALPHABET = (
    "的一是在不了中說這個無協们，。！？、：；（）《》【】“”‘’「」『』\"'`~ \t\n\r\x0b\x1c\x85"
    "\u3000\u00a0\u2028\u200b\ufeff\u00ad…‥·—–ＡＺａｚ０９＂＇｀ｰ｡｢､ABCxyz019_éÀßſΣΐﬁ①Ⅻ"
    "\u0301\u3099\u309a\uff76\uff9e\u1100\u1161\u11a8가あアｱ😀\U00020000\uf900\u2032\u02bc"
)


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet=_FOLD_ALPHABET, max_size=40), quotes=st.booleans())
def test_compiled_fold_equals_normalise(text: str, quotes: bool) -> None:
    """The compiled fold gives exactly what ``normalise`` gives, or leaves the text to it."""
    from hegui.judges import features
    from hegui.judges._text import fold_table

    assert features._scoring is not None
    folded = features._scoring.fold(text, fold_table(quotes))
    if folded is not None:
        assert folded == normalise(text, quotes=quotes)[0]
    assert features.fold(text, quotes=quotes) == normalise(text, quotes=quotes)[0]


def test_compiled_fold_takes_ordinary_text_and_refuses_a_bad_table() -> None:
    """Chinese and English answers with their punctuation are folded in C; a table of the wrong
    size is an error, never a read past its end."""
    from hegui.judges import features
    from hegui.judges._text import fold_table

    assert features._scoring is not None
    for text in [*TEXTS[len(_BASE) :], "Ｈｅｌｌｏ，世界！\u3000說明：“引號”"]:
        assert features._scoring.fold(text, fold_table(False)) is not None, text[:40]
    table = fold_table(False)
    assert features._scoring.cjk_fold_tokens("中文，說這個。 ", table) == "中文,说这个。"
    assert features._scoring.cjk_fold_tokens("中文 abc", table) is None
    with pytest.raises(ValueError, match="65536"):
        features._scoring.fold("中文", b"\x00" * 10)
    with pytest.raises(ValueError, match="65536"):
        features._scoring.cjk_fold_tokens("中文", b"\x00" * 10)


@settings(max_examples=600, deadline=None)
@given(
    text=st.text(alphabet=_FOLD_ALPHABET + "中文汉字测试abcXYZ019[]", max_size=40),
    quotes=st.booleans(),
)
def test_compiled_fold_and_tokens_equal_the_two_steps(text: str, quotes: bool) -> None:
    """``cjk_fold_tokens`` gives the CJK tokens of the folded text exactly when ``_tokens``
    would take its CJK-only path, and None for every other text."""
    from hegui.judges import features
    from hegui.judges._text import fold_table

    assert features._scoring is not None
    got = features._scoring.cjk_fold_tokens(text, fold_table(quotes))
    folded = normalise(text, quotes=quotes)[0]
    cjk_only = not folded.isascii() and not features._WORDISH(folded)
    if got is not None:
        assert cjk_only and got == "".join(features._RUNS.findall(folded))
    elif features._scoring.fold(text, fold_table(quotes)) is not None:
        assert not cjk_only  # a text the table handles is only refused for its content
