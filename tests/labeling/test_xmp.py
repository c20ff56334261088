"""XMP packets: TC260:AIGC is found in any form and edited without touching the rest."""

from __future__ import annotations

import pytest

from hegui.labeling import CorruptFileError
from hegui.labeling.xmp import TC260_NS, build_packet, find_values, remove_values, set_value

FOREIGN = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:tc="{TC260_NS}" tc:AIGC='{{"Label":"2"}}'>
  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">标题 &amp; more</rdf:li></rdf:Alt></dc:title>
 </rdf:Description>
 <rdf:Description rdf:about="" xmlns:TC260="{TC260_NS}"><TC260:AIGC>{{"Label":"3"}}</TC260:AIGC>
 </rdf:Description>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def test_new_packet_holds_one_value_with_xml_escaping() -> None:
    value = '{"Label":"1","ProduceID":"a&b<c>"}'
    packet = build_packet(value)
    assert find_values(packet) == [value]
    assert "a&amp;b&lt;c&gt;" in packet
    assert f'xmlns:TC260="{TC260_NS}"' in packet


def test_reader_finds_attribute_and_element_forms_under_any_prefix() -> None:
    assert find_values(FOREIGN) == ['{"Label":"2"}', '{"Label":"3"}']


def test_set_value_keeps_everything_else_and_leaves_one_copy() -> None:
    edited = set_value(FOREIGN, '{"Label":"1"}')
    assert find_values(edited) == ['{"Label":"1"}']
    assert '<rdf:li xml:lang="x-default">标题 &amp; more</rdf:li>' in edited
    assert edited.startswith(FOREIGN[:200].split("tc:AIGC")[0])
    # replaced in place, under the writer's own prefix, as an attribute
    assert "tc:AIGC=" in edited and "TC260:AIGC" not in edited


def test_relabelling_does_not_grow_the_packet() -> None:
    packet = build_packet('{"Label":"1"}')
    again = set_value(set_value(packet, '{"Label":"2"}'), '{"Label":"1"}')
    assert again == packet


def test_packet_without_label_gets_a_new_description() -> None:
    base = FOREIGN.replace(' tc:AIGC=\'{"Label":"2"}\'', "")
    base = remove_values(base)
    assert find_values(base) == []
    edited = set_value(base, '{"Label":"1"}')
    assert find_values(edited) == ['{"Label":"1"}']
    assert "dc:title" in edited


def test_empty_or_missing_packet_is_built_fresh() -> None:
    assert find_values(set_value(None, "v")) == ["v"]
    assert find_values(set_value("  \x00", "v")) == ["v"]


@pytest.mark.parametrize(
    "packet",
    [
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><unclosed></x:xmpmeta>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'></x:xmpmeta>",
    ],
)
def test_malformed_packets_are_refused(packet: str) -> None:
    with pytest.raises(CorruptFileError):
        set_value(packet, "v")
