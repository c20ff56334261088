"""C2PA manifests (extra ``hegui[c2pa]``): sign with a test CA chain, read back, keep the XMP label.

The certificates are made at test time with ``cryptography``: an EC P-256 root CA and a leaf with
the digitalSignature key usage and the emailProtection EKU. c2pa-rs rejects a self-signed CA
certificate (what ``openssl req -x509`` makes) and a leaf without a suitable EKU; tests check both.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image
from typer.testing import CliRunner

from hegui.cli.label import app
from hegui.errors import MissingExtraError
from hegui.labeling import AigcLabel, check_file, propagate, read_label, write_label
from hegui.labeling.c2pa import (
    AIGC_ASSERTION,
    TRAINED_ALGORITHMIC_MEDIA,
    C2paAlgorithm,
    C2paSigner,
    check_c2pa_ready,
    read_c2pa,
    write_c2pa,
)
from hegui.labeling.errors import LabelError, UnsupportedFormatError
from tests.labeling.conftest import PLATFORM, PRODUCER, MediaFactory

HAS_C2PA = importlib.util.find_spec("c2pa") is not None
needs_c2pa = pytest.mark.skipif(
    not HAS_C2PA, reason="c2pa-python is not installed (pip install 'hegui[c2pa]')"
)
runner = CliRunner()
IPTC_TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

_KEY_USAGE = dict.fromkeys(
    (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ),
    False,
)


@dataclass(frozen=True)
class Credentials:
    signer: C2paSigner
    self_signed_ca: C2paSigner
    """A lone self-signed CA certificate, which c2pa-rs must reject."""
    no_eku: C2paSigner
    """A CA-issued leaf without an extended key usage, which c2pa-rs must reject."""


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hegui tests"),
        ]
    )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    eku: bool = True,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    usage = dict(_KEY_USAGE, key_cert_sign=ca, crl_sign=ca, digital_signature=True)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if not ca and eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    if not ca:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Credentials:
    folder = tmp_path_factory.mktemp("c2pa-certs")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name("hegui test CA"), ca_key, _name("hegui test CA"), ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(_name("hegui test signer"), key, ca.subject, ca_key, ca=False)
    lone = _certificate(_name("hegui lone"), key, _name("hegui lone"), key, ca=True)
    bare = _certificate(_name("hegui bare"), key, ca.subject, ca_key, ca=False, eku=False)
    (folder / "chain.pem").write_bytes(_pem(leaf) + _pem(ca))
    (folder / "lone.pem").write_bytes(_pem(lone))
    (folder / "bare.pem").write_bytes(_pem(bare) + _pem(ca))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Credentials(
        signer=C2paSigner(folder / "chain.pem", folder / "key.pem"),
        self_signed_ca=C2paSigner(folder / "lone.pem", folder / "key.pem"),
        no_eku=C2paSigner(folder / "bare.pem", folder / "key.pem"),
    )


def _pixels(path: Path) -> bytes:
    with Image.open(path) as image:
        return image.convert("RGB").tobytes()


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if "hegui-" in p.name]


@needs_c2pa
@pytest.mark.parametrize("kind", ["jpg", "png", "webp"])
def test_sign_read_back_keeps_pixels_and_xmp_label(
    kind: str, media: MediaFactory, label: AigcLabel, credentials: Credentials, tmp_path: Path
) -> None:
    source = media(kind)
    before = source.read_bytes()
    out = tmp_path / f"signed.{kind}"
    assert write_c2pa(source, label, credentials.signer, out) == out
    assert source.read_bytes() == before and read_label(source) is None
    assert _pixels(out) == _pixels(source)
    assert read_label(out) == label

    store = read_c2pa(out)
    assert store is not None and store.active is not None
    assert store.valid and store.validation_state == "Valid"
    assert [s.code for s in store.validation_status] == ["signingCredential.untrusted"]
    assert store.ai_generated and store.aigc_label == label
    by_label = {a.label: a.data for a in store.active.assertions}
    action = by_label["c2pa.actions.v2"]["actions"][0]
    assert action == {"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA}
    assert TRAINED_ALGORITHMIC_MEDIA == IPTC_TRAINED
    assert by_label[AIGC_ASSERTION] == label.to_dict()
    assert store.active.signer == "hegui test signer (hegui tests)"
    assert "hegui" in store.active.claim_generator

    report = check_file(out, explicit=False)
    assert report.ok and report.implicit is not None and report.implicit.copies == 1
    assert report.c2pa is not None and report.c2pa.present and report.c2pa.valid
    assert report.c2pa.aigc_label == label.to_dict()
    assert _leftovers(tmp_path) == []


@needs_c2pa
def test_in_place_replaces_an_older_label_and_manifest(
    media: MediaFactory, label: AigcLabel, credentials: Credentials
) -> None:
    source = media("png")
    write_label(source, AigcLabel.first_write(PRODUCER, "old-id"))
    write_c2pa(source, AigcLabel.first_write(PRODUCER, "older-id"), credentials.signer)
    write_c2pa(source, label, credentials.signer)
    store = read_c2pa(source)
    assert read_label(source) == label
    assert store is not None and store.valid and store.aigc_label == label


@needs_c2pa
def test_changing_the_file_after_signing_invalidates_the_manifest(
    media: MediaFactory, label: AigcLabel, credentials: Credentials
) -> None:
    source = media("jpg")
    write_c2pa(source, label, credentials.signer)
    propagate(source, PLATFORM, "p-1")
    store = read_c2pa(source)
    assert store is not None and not store.valid and store.validation_state == "Invalid"
    report = check_file(source, explicit=False)
    assert report.ok and report.c2pa is not None and report.c2pa.valid is False


@needs_c2pa
def test_no_manifest_reads_as_none(media: MediaFactory) -> None:
    source = media("png")
    assert read_c2pa(source) is None
    report = check_file(source, explicit=False)
    assert report.c2pa is not None and report.c2pa.present is False


@needs_c2pa
@pytest.mark.parametrize(
    ("which", "reason"),
    [("self_signed_ca", "self-signed"), ("no_eku", "certificate is invalid")],
)
def test_unsuitable_certificate_is_rejected(
    which: str,
    reason: str,
    media: MediaFactory,
    label: AigcLabel,
    credentials: Credentials,
    tmp_path: Path,
) -> None:
    source = media("jpg")
    before = source.read_bytes()
    out = tmp_path / "never.jpg"
    with pytest.raises(LabelError, match=reason):
        write_c2pa(source, label, getattr(credentials, which), out)
    assert not out.exists() and source.read_bytes() == before
    assert _leftovers(tmp_path) == [] and _leftovers(source.parent) == []


@needs_c2pa
def test_key_of_the_wrong_type_is_rejected(
    media: MediaFactory, label: AigcLabel, credentials: Credentials
) -> None:
    source = media("png")
    wrong = C2paSigner(
        credentials.signer.cert_chain, credentials.signer.private_key, C2paAlgorithm.PS256
    )
    with pytest.raises(LabelError):
        write_c2pa(source, label, wrong)
    assert read_label(source) is None


@needs_c2pa
def test_missing_credential_file(media: MediaFactory, label: AigcLabel, tmp_path: Path) -> None:
    signer = C2paSigner(tmp_path / "absent.pem", tmp_path / "absent.key")
    with pytest.raises(LabelError, match="cannot read C2PA credentials"):
        write_c2pa(media("png"), label, signer)


def test_unsupported_format(media: MediaFactory, label: AigcLabel, tmp_path: Path) -> None:
    signer = C2paSigner(tmp_path / "chain.pem", tmp_path / "key.pem")
    with pytest.raises(UnsupportedFormatError):
        write_c2pa(media("wav"), label, signer)


def test_missing_extra(
    monkeypatch: pytest.MonkeyPatch, media: MediaFactory, label: AigcLabel, tmp_path: Path
) -> None:
    real = importlib.import_module

    def without_c2pa(name: str, package: str | None = None) -> ModuleType:
        if name == "c2pa":
            raise ImportError("No module named 'c2pa'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_c2pa)
    source = media("png")
    with pytest.raises(MissingExtraError) as caught:
        write_c2pa(source, label, C2paSigner(tmp_path / "c.pem", tmp_path / "k.pem"))
    assert caught.value.extra == "c2pa" and "hegui[c2pa]" in str(caught.value)
    with pytest.raises(MissingExtraError):
        read_c2pa(source)
    report = check_file(source, explicit=False)
    assert report.c2pa is not None and report.c2pa.present is None and report.c2pa.note


@needs_c2pa
def test_cli_add_with_c2pa_then_check(
    media: MediaFactory, credentials: Credentials, tmp_path: Path
) -> None:
    source = media("jpg")
    out = tmp_path / "cli.jpg"
    signer = credentials.signer
    args = ["add", str(source), "--producer", PRODUCER, "--produce-id", "c-9", "--out", str(out)]
    result = runner.invoke(
        app, [*args, "--c2pa-cert", str(signer.cert_chain), "--c2pa-key", str(signer.private_key)]
    )
    assert result.exit_code == 0, result.output
    assert "C2PA manifest signed" in result.output

    checked = runner.invoke(app, ["check", str(out), "--no-explicit"])
    assert checked.exit_code == 0, checked.output
    assert "c2pa: valid (Valid), AI-generated, AIGC assertion" in " ".join(checked.output.split())
    [report] = json.loads(runner.invoke(app, ["check", str(out), "--json"]).output)
    assert report["c2pa"]["aigc_label"]["ProduceID"] == "c-9"


def test_cli_needs_both_c2pa_options(media: MediaFactory, tmp_path: Path) -> None:
    source = media("jpg")
    result = runner.invoke(
        app, ["add", str(source), "--producer", PRODUCER, "--c2pa-cert", str(tmp_path / "c.pem")]
    )
    assert result.exit_code == 2
    assert read_label(source) is None


@needs_c2pa
def test_cli_refuses_before_writing(
    media: MediaFactory, credentials: Credentials, tmp_path: Path
) -> None:
    signer = credentials.signer
    c2pa = ["--c2pa-cert", str(signer.cert_chain), "--c2pa-key", str(signer.private_key)]
    wav = media("wav")
    result = runner.invoke(app, ["add", str(wav), "--producer", PRODUCER, *c2pa])
    assert result.exit_code == 2 and "not wav" in result.output
    assert read_label(wav) is None
    with pytest.raises(LabelError, match="cannot read C2PA credentials"):
        check_c2pa_ready(media("png"), C2paSigner(tmp_path / "c.pem", tmp_path / "k.pem"))
