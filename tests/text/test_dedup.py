"""Shingles, MinHash signatures, LSH band keys, exact keys and the in-memory index."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from hegui.text import normalize
from hegui.text.dedup import (
    MinHasher,
    NearDuplicateIndex,
    exact_key,
    jaccard,
    shingle_hashes,
)

CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器"
    "压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安"
    "场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精"
    "值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
    "圆包火住调满县局照参红细引听该铁价严"
)


def text(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(CHARS) for _ in range(n))


def edit(base: str, changes: int, seed: int) -> str:
    rng = random.Random(seed)
    chars = list(base)
    for _ in range(changes):
        chars[rng.randrange(len(chars))] = rng.choice(CHARS)
    return "".join(chars)


def test_signature_is_deterministic_across_processes() -> None:
    sample = text(300, 1)
    here = MinHasher().signature(sample)
    code = (
        "import sys; from hegui.text.dedup import MinHasher; "
        f"print(','.join(map(str, MinHasher().signature({sample!r}).tolist())))"
    )
    env = {"PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()
    assert out == ",".join(map(str, here.tolist()))


def test_similarity_estimates_jaccard() -> None:
    hasher = MinHasher(bands=32, rows=8)  # a long signature for a tight estimate
    base = text(2000, 2)
    for changes in (0, 20, 80, 200):
        other = edit(base, changes, changes)
        true = jaccard(base, other)
        estimate = hasher.similarity(hasher.signature(base), hasher.signature(other))
        assert abs(estimate - true) < 0.1, (changes, true, estimate)


def test_unrelated_texts_share_no_band() -> None:
    hasher = MinHasher()
    keys = [hasher.band_keys(hasher.signature(text(500, seed))) for seed in range(50)]
    flat = np.concatenate(keys)
    assert len(np.unique(flat)) == len(flat)


def test_near_copies_share_a_band() -> None:
    hasher = MinHasher()
    base = text(800, 3)
    caught = 0
    for seed in range(20):
        copy = edit(base, 8, seed)  # about 5% of shingles touched: Jaccard ~0.9
        shared = hasher.band_keys(hasher.signature(base)) == hasher.band_keys(
            hasher.signature(copy)
        )
        caught += bool(shared.any())
    assert caught >= 19


def test_normalisation_folds_punctuation_width_and_script() -> None:
    a = "生成式人工智能服务，应当尊重他人知识产权。"
    b = "生成式人工智能服務 應當尊重他人知識產權！！"
    assert exact_key(a) == exact_key(b)
    assert exact_key(a) != exact_key(a + "吗")
    hasher = MinHasher()
    assert hasher.similarity(hasher.signature(a), hasher.signature(b)) == 1.0


def test_short_and_empty_texts() -> None:
    hasher = MinHasher()
    empty = hasher.signature("。。。")  # nothing left after normalisation
    assert MinHasher.is_empty(empty)
    short = hasher.signature("你好")
    assert not MinHasher.is_empty(short)
    assert (short == hasher.signature("你好！")).all()
    assert shingle_hashes(normalize("你好").codes).shape == (1,)
    assert jaccard("", "") == 1.0


def test_seed_gives_independent_families() -> None:
    sample = text(200, 4)
    assert not (MinHasher(seed=1).signature(sample) == MinHasher(seed=2).signature(sample)).all()


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError):
        MinHasher(bands=0)
    with pytest.raises(ValueError):
        MinHasher(bands=100, rows=100)


def test_index_finds_near_and_exact_duplicates() -> None:
    index: NearDuplicateIndex[int] = NearDuplicateIndex(threshold=0.7)
    base = text(400, 5)
    assert index.add(1, base) == []
    assert index.add(2, text(400, 6)) == []
    assert index.add(3, edit(base, 3, 1)) == [1]
    assert index.add(4, base + "。") == [1, 3]  # exact after normalisation comes first
    assert index.query(text(400, 7)) == []
    assert len(index) == 4
    with pytest.raises(KeyError):
        index.add(1, "again")
