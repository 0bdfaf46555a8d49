"""Filters of the public pages."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()


@register.filter
def attribute_label(name: str) -> str:
    """ "custom_final_grade" → "Final grade"."""
    text = str(name).removeprefix("custom_").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.simple_tag
def badge_medallion(credential, size: int = 112):
    """The credential's badge: its badge design's picture when its group has one (the
    image its achievement.image points to), else the generated one inline (every text in
    it escaped by images.badge_svg)."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from laurel.designs.rendering import badge_version_id
    from laurel.public.images import badge_svg

    if badge_version_id(credential) is not None:
        return format_html(
            '<img class="credential-medallion" src="/credential/{}/badge.png" width="{}" '
            'height="{}" alt="">',
            credential.pk, int(size), int(size),
        )  # fmt: skip

    svg = badge_svg(credential).split("?>", 1)[-1].strip()
    svg = svg.replace(
        ' width="600" height="600"',
        f' width="{int(size)}" height="{int(size)}" class="credential-medallion" aria-hidden="true"',
        1,
    ).replace(' role="img"', "", 1)
    return mark_safe(svg)  # noqa: S308 - built by badge_svg from escaped text


@register.filter
def group_image(credential) -> str:
    """The group's own image URL when that is the credential's badge (the issuer gave one
    and chose no badge design: laurel.credentials.signing.achievement_image), else ''."""
    from laurel.credentials.signing import achievement_image

    image = credential.group.image
    return image if image and achievement_image(credential) == image else ""


# The Open Badges 3.0 achievement types issuers pick most (laurel.web.forms_groups), in
# the page's language; a type of the issuer's own words is shown as they wrote it.
ACHIEVEMENT_KINDS = {
    "Achievement": pgettext_lazy("achievement type", "Achievement"),
    "Award": pgettext_lazy("achievement type", "Award"),
    "Badge": pgettext_lazy("achievement type", "Badge"),
    "Certificate": pgettext_lazy("achievement type", "Certificate"),
    "CertificateOfCompletion": pgettext_lazy("achievement type", "Certificate of completion"),
    "Certification": pgettext_lazy("achievement type", "Certification"),
    "Competency": pgettext_lazy("achievement type", "Competency"),
    "Course": pgettext_lazy("achievement type", "Course"),
    "Degree": pgettext_lazy("achievement type", "Degree"),
    "Diploma": pgettext_lazy("achievement type", "Diploma"),
    "License": pgettext_lazy("achievement type", "License"),
    "Membership": pgettext_lazy("achievement type", "Membership"),
    "MicroCredential": pgettext_lazy("achievement type", "Micro-credential"),
}


@register.filter
def achievement_kind(kind: str) -> str:
    """ "Certificate" → "Certificat" on a French page; any other text as it is."""
    if not kind:
        return str(ACHIEVEMENT_KINDS["Certificate"])
    label = ACHIEVEMENT_KINDS.get(str(kind))
    return str(label) if label is not None else kind
