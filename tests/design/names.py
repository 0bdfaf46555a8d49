"""International recipient names for the rendering tests, made by a seeded generator.

Each script has a few given and family names; `international_names()` combines them with
a fixed seed, so every run renders the same few hundred names, in every script Laurel
promises to print.
"""

from __future__ import annotations

import random

SCRIPTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "latin": (
        ("Zoë", "Björn", "Łucja", "Ångström", "Søren", "Ignacio", "Chloé", "Jürgen", "Ærin"),
        ("Ferreira-Nuñez", "Dvořák", "Østergård", "Kowalczyk", "Müller", "d'Arcy", "Ó Briain"),
    ),
    "vietnamese": (
        ("Nguyễn Thị", "Trần Văn", "Lê Quốc", "Phạm Hữu"),
        ("Hằng", "Đức", "Thảo", "Ngọc"),
    ),
    "turkish": (("Çağrı", "İlkay", "Gülşen", "Ömer"), ("Yılmaz", "Şahin", "Öztürk", "Güneş")),
    "greek": (
        ("Αικατερίνη", "Δημήτρης", "Ελευθερία", "Γιώργος"),
        ("Παπαδοπούλου", "Οικονόμου", "Χατζής"),
    ),
    "cyrillic": (
        ("Анастасия", "Дмитрий", "Ярослав", "Ксения", "Олександр"),
        ("Кузнецова", "Шевченко", "Жуков"),
    ),
    "arabic": (
        ("محمد", "فاطمة", "عبد الرحمن", "ليلى", "يوسف"),
        ("الحسيني", "بن علي", "القحطاني", "منصور"),
    ),
    "hebrew": (("אביגיל", "יונתן", "נועה", "דוד"), ("כהן", "לוי", "בן־דוד", "פרידמן")),
    "devanagari": (("अर्जुन", "प्रियंका", "क्षितिज", "श्रद्धा"), ("त्रिपाठी", "शर्मा", "द्विवेदी", "कृष्णमूर्ति")),
    "thai": (("สมชาย", "กัลยา", "ณัฐพงษ์", "พิมพ์ชนก"), ("ศรีสุข", "วงศ์สวัสดิ์", "ทองประเสริฐ")),
    "chinese": (("王", "李", "欧阳", "张"), ("秀英", "志强", "静怡", "子涵")),
    "japanese": (("佐藤", "高橋", "渡辺"), ("さくら", "ひろし", "ユウキ", "美咲")),
    "korean": (("김", "이", "박", "최"), ("민준", "서연", "지우", "하은")),
}
SEPARATOR = {"chinese": "", "korean": "", "japanese": " "}
MIXED = (
    "Dr. محمد Smith",
    "Noa (נועה) Levi",
    "Jean-Luc Picard 🚀",
    "Priya ❤️ Sharma",
    "Léa 👩🏽‍🔬 Martin",
    "O'Connor 3rd",
)


def international_names(per_script: int = 16, seed: int = 20261201) -> list[tuple[str, str]]:
    """(script, name) pairs: `per_script` names of each script, then a few mixed ones."""
    rng = random.Random(seed)
    names = []
    for script, (given, family) in SCRIPTS.items():
        seen: set[str] = set()
        while len(seen) < min(per_script, len(given) * len(family)):
            separator = SEPARATOR.get(script, " ")
            if script in ("chinese", "korean", "japanese"):
                name = rng.choice(given) + separator + rng.choice(family)
            else:
                name = rng.choice(given) + " " + rng.choice(family)
            seen.add(name)
        names += [(script, name) for name in sorted(seen)]
    names += [("mixed", name) for name in MIXED]
    return names
