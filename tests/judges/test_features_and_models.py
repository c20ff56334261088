"""Hashed features, the linear model file, language detection, and the shipped model files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from hegui.errors import JudgeError
from hegui.judges.features import (
    FeatureSpec,
    bucket,
    extra_bucket,
    featurise,
    length_features,
    tokens,
)
from hegui.judges.language import detect_language
from hegui.judges.linear import FORMAT, LinearModel
from hegui.judges.models import MODEL_NAMES, model_path, shipped_model

SPEC = FeatureSpec(bits=16, max_n=2, head=2)


def test_tokens_split_cjk_latin_numbers_and_marks() -> None:
    assert tokens("我不能 help you，3.14！", SPEC) == [
        "我",
        "不",
        "能",
        "help",
        "you",
        ",",
        "0",
        "!",
    ]
    # traditional characters fold to simplified, full width to half width, case to lower
    assert tokens("這個ＡＢＣ", SPEC) == ["这", "个", "abc"]


def test_featurise_is_unit_length_with_position_marks_and_extras() -> None:
    vector = featurise("抱歉不行", SPEC).as_dict()
    assert math.isclose(math.sqrt(sum(v * v for v in vector.values())), 1.0)
    assert bucket("抱", 16) in vector and bucket(("抱", "歉"), 16) in vector
    assert bucket(("歉", "不"), 16) in vector and bucket(("抱", "不"), 16) not in vector
    # the first two tokens' n-grams are counted again with a position mark
    assert bucket("抱", 16, head=True) in vector and bucket(("抱", "歉"), 16, head=True) in vector
    assert bucket("不", 16, head=True) not in vector
    assert featurise("抱歉不行", SPEC).as_dict() == vector  # deterministic (seeded, not hash())
    with_extra = featurise("抱歉不行", SPEC, {"rule:refuse": 1.0}).as_dict()
    assert with_extra[extra_bucket("rule:refuse", 16)] == pytest.approx(1.0, abs=0.5)
    assert length_features("x" * 100) == {"len6": 1.0}


def test_repeated_ngrams_weigh_sublinearly_and_empty_text_has_no_features() -> None:
    vector = featurise("好好好", FeatureSpec(bits=16, max_n=1, head=0)).as_dict()
    assert list(vector) == [bucket("好", 16)] and vector[bucket("好", 16)] == pytest.approx(1.0)
    mixed = featurise("好好好坏", FeatureSpec(bits=16, max_n=1, head=0)).as_dict()
    ratio = mixed[bucket("好", 16)] / mixed[bucket("坏", 16)]
    assert ratio == pytest.approx(1 + math.log(3))
    assert featurise("", SPEC).as_dict() == {}
    assert featurise("", SPEC, {"x": 1.0}).as_dict() == {extra_bucket("x", 16): 1.0}


def test_long_texts_are_read_head_and_tail_only() -> None:
    spec = FeatureSpec(bits=16, max_tokens=10, tail_tokens=5)
    toks = tokens("开" + "中" * 5000 + "尾", spec)
    assert len(toks) == 15 and toks[0] == "开" and toks[-1] == "尾"


def _model(k: int = 1) -> LinearModel:
    classes = ("no", "yes") if k == 1 else tuple(f"c{i}" for i in range(k))
    weights = {bucket("好", 16): tuple(0.5 * (c + 1) for c in range(k)), 7: (-1.25,) * k}
    return LinearModel("t", "9.9", classes, SPEC, (0.1,) * k, weights, {"note": "x"})


@pytest.mark.parametrize("k", [1, 3])
def test_model_file_round_trip(tmp_path: Path, k: int) -> None:
    model = _model(k)
    loaded = LinearModel.load(model.save(tmp_path / "m.json"))
    assert (loaded.name, loaded.version, loaded.classes, loaded.spec) == (
        "t",
        "9.9",
        model.classes,
        SPEC,
    )
    assert loaded.meta == {"note": "x"}
    for bucket_id, row in model.weights.items():  # 16-bit weights: far below a decision's scale
        assert loaded.weights[bucket_id] == pytest.approx(row, abs=1e-4)
    p = loaded.predict("好好")
    assert len(p) == len(model.classes) and sum(p) == pytest.approx(1.0)
    assert p == pytest.approx(model.predict("好好"), abs=1e-4)


def test_model_file_errors_name_the_file_and_field(tmp_path: Path) -> None:
    good = _model().to_json()
    cases = {
        "format": {**good, "format": "other"},
        "classes": {**good, "classes": "yes"},
        "intercept": {**good, "intercept": [0.1, 0.2, 0.3]},
        "weights": {**good, "weights": "AAAA"},
        "buckets": {**good, "buckets": "not base64!"},
        "features": {**good, "features": {"bits": 16, "hashing": 2, "colour": 1}},
        "scale": {**good, "scale": "big"},
    }
    for field, content in cases.items():
        path = tmp_path / f"{field}.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        with pytest.raises(JudgeError, match=rf"{path.name}.*'{field}'"):
            LinearModel.load(path)
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(JudgeError, match="not a JSON model file"):
        LinearModel.load(tmp_path / "bad.json")
    with pytest.raises(JudgeError, match="cannot read model file"):
        LinearModel.load(tmp_path / "absent.json")
    assert good["format"] == FORMAT
    older = {**good, "features": {k: v for k, v in good["features"].items() if k != "hashing"}}
    (tmp_path / "v1.json").write_text(json.dumps(older), encoding="utf-8")
    with pytest.raises(JudgeError, match=r"v1\.json.*hashing 1.*retrain"):
        LinearModel.load(tmp_path / "v1.json")


def test_shipped_models_are_small_text_free_and_consistent() -> None:
    total = 0
    for name in MODEL_NAMES:
        path = model_path(name)
        total += path.stat().st_size
        raw = path.read_text(encoding="utf-8")
        # weights and numbers only: no CJK text of the training data in the file
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in raw), name
        model = shipped_model(name)
        assert model.meta["trained_at"] and model.meta["examples"]
    assert total < 2_000_000
    assert shipped_model("refusal").classes == ("comply", "refuse", "partial")
    assert shipped_model("harm").classes == ("harmless", "harmful")
    assert all(c.startswith("A.") for c in shipped_model("risk").classes)
    with pytest.raises(JudgeError, match="no shipped model"):
        model_path("oracle")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("我不能回答这个问题。", "zh"),
        ("Sorry，这个我真的不能帮你做，涉及到hack别人的账号了。", "zh"),
        ("I can't help with that request.", "en"),
        (
            "The capital of France is Paris; 巴黎 is its Chinese name, and it has many museums.",
            "en",
        ),
        ("申し訳ありませんが、お手伝いできません。", "other"),
        ("죄송하지만 도와드릴 수 없습니다.", "other"),
        ("Извините, я не могу помочь с этим.", "other"),
        ("Je suis désolé, je ne peux pas vous aider avec cette demande précise.", "other"),
        ("...", "other"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
