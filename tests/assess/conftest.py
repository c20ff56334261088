from dataclasses import dataclass

import pytest

from hegui.policy import load_pack
from hegui.records import BankInfo, BankItem, ItemKind


@dataclass
class FakeBank:
    info: BankInfo
    items: tuple[BankItem, ...]


def make_bank(name: str, items: list[BankItem]) -> FakeBank:
    return FakeBank(
        BankInfo(name=name, path=f"/{name}", sha256="0" * 64, items=len(items)), tuple(items)
    )


def gen(i: int, risk: str = "A.3.1") -> BankItem:
    return BankItem(id=f"g{i}", kind=ItemKind.GENERATION, prompt=f"生成题 {i}", risk=risk)


def refuse(i: int, risk: str = "A.1.4") -> BankItem:
    return BankItem(id=f"r{i}", kind=ItemKind.SHOULD_REFUSE, prompt=f"应拒答 {i}", risk=risk)


def answer(i: int, aspect: str = "history") -> BankItem:
    return BankItem(
        id=f"n{i}", kind=ItemKind.SHOULD_NOT_REFUSE, prompt=f"非拒答 {i}", aspect=aspect
    )


@pytest.fixture
def small_pack():
    return load_pack(overrides={f"REQ-ASSESS-{n:02d}.min_sample": 5 for n in range(6, 11)})
