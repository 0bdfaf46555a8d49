"""A published certificate never fails to render, whatever its values hold."""

import datetime as dt
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laurel.design import Values, render_pdf_with_report, render_svg

from .helpers import prepared_starter

PREPARED = {name: prepared_starter(name) for name in ("certificate-modern", "badge-ring")}
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=text,
    title=text,
    description=st.text(max_size=600),
    issued=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    valid=st.none() | st.dates(),
    url=text,
)
def test_any_values_render_to_a_pdf_and_an_svg(name, title, description, issued, valid, url):
    values = Values(
        recipient_name=name,
        group_title=title,
        description=description,
        issued_on=issued,
        valid_until=valid,
        verification_url=url,
        code=name[:10],
    )
    pdf, report = render_pdf_with_report(PREPARED["certificate-modern"], values)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert not report.missing_assets
    svg = render_svg(PREPARED["badge-ring"], values)
    ET.fromstring(svg)  # well-formed XML whatever the title holds
