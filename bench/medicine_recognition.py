"""Medicine recognition figures, run by hand: `.venv/bin/python bench/medicine_recognition.py`.

Prints right/wrong per class over the table of medicine strings in tests/data/medicine_cases.tsv,
the false-alarm rate (read as an anticoagulant or antiplatelet) over the commonly prescribed drugs
in tests/data/common_non_antithrombotic_drugs.txt, and the vocabulary's load time and memory.
"""

import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clinic.core.clinical import medicines  # noqa: E402

DATA = ROOT / "tests" / "data"


def rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def main() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    vocabulary = medicines.vocabulary()
    load_seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"vocabulary: {len(vocabulary.generic_by_name)} names, {len(vocabulary.fuzzy_names)} typo targets")
    print(f"load: {load_seconds:.2f} s, memory kept {current / 1e6:.0f} MB (peak {peak / 1e6:.0f} MB)")

    right: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    started = time.perf_counter()
    for text, generic, drug_class, status in rows("medicine_cases.tsv"):
        reading = medicines.read_medicine(text)
        first = reading.first
        got_class = str(first.drug_class) if first and first.drug_class else "-"
        got_generic = medicines.principal_generic(first.generic) or first.generic if first else "-"
        ok = reading.status == status and (status in {"nothing", "unrecognised"} or got_class == drug_class)
        ok = ok and generic in {"-", got_generic}
        key = drug_class if drug_class != "-" else f"none ({status})"
        (right if ok else wrong)[key] += 1
        if not ok:
            print(f"  wrong: {text!r}: {reading.status} {got_generic} {got_class}")
    per_case = (time.perf_counter() - started) / max(1, sum(right.values()) + sum(wrong.values()))
    print("per class: right / wrong")
    for key in sorted(set(right) | set(wrong)):
        print(f"  {key:24} {right[key]:4} / {wrong[key]}")
    total = f"{sum(right.values()):4} / {sum(wrong.values())}"
    print(f"  {'all':24} {total}  ({per_case * 1000:.1f} ms a string)")

    names = [row[0] for row in rows("common_non_antithrombotic_drugs.txt")]
    alarms = [n for n in names if medicines.read_medicine(n).antithrombotics]
    print(
        f"false alarms on {len(names)} common non-antithrombotic drugs: {len(alarms)}"
        f" ({100 * len(alarms) / len(names):.1f}%) {alarms or ''}"
    )


if __name__ == "__main__":
    main()
