"""Studies that are not the example: its files delivered under other names, in other languages.

:func:`renamed_study` writes a copy of the example study in which every dataset has another key
and every variable another name, in every file (the SPSS survey rewritten by Bruggen's own
writer, the referral workbook's header, the municipality CSV's header, the case attributes inside
the REFI-QDA project), with codebooks and a study.yml that say so. Optionally its labels are
English (from the codebooks' translations) and only some datasets are kept.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import yaml
from conftest import ROOT

from analysis.codebook import Codebook

#: The example's dataset keys -> the copy's.
DATASETS = {
    "organisatie_enquete": "vragenlijst",
    "verwijzingen": "doorverwijzingen",
    "gemeenten": "kader",
    "interviews": "gesprekken",
}
#: Variables renamed to a researcher's own words; every other variable gets the prefix ``q_``.
NAMES = {
    "resp_id": "respnr",
    "org_side": "kant",
    "resp_type": "rol",
    "municipality_code": "gemcode",
    "collab_form": "vorm",
    "municipality_name": "gemnaam",
    "vt_region": "regio",
    "size_class": "grootte",
    "pop_total": "inwoners",
    "target_pop_estimate": "doelgroep",
    "from_resp_id": "verwijzer",
    "date_referred": "datum_verwijzing",
    "date_first_contact": "datum_contact",
    "contact_made": "geslaagd",
    "warm_transfer": "warm",
    "consent_given": "akkoord",
}
#: Columns of a codings table that Bruggen's REFI-QDA reader makes: they keep their names.
QDA_COLUMNS = {
    "document", "source_guid", "code", "code_guid", "code_path", "code_family", "start", "end", "text", "case",
    "coder", "created", "selection_guid", "selection_type", "position", "coding_guid",
}  # fmt: skip


def rename(name: str) -> str:
    """The copy's name for an example variable."""
    return NAMES.get(name, name if name in QDA_COLUMNS else f"q_{name}")


def _rename_text(text: str, names: list[str]) -> str:
    """Rename variables inside a pandas query (skip logic) or a rule."""
    pattern = re.compile(
        r"(?<![\w])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?![\w])"
    )
    return pattern.sub(lambda m: rename(m.group(1)), text)


def _codebook(name: str, *, english: bool) -> Codebook:
    book = Codebook.from_yaml(ROOT / "data" / "codebooks" / f"{name}.yml")
    data = book.to_dict()
    data["dataset"] = DATASETS[name]
    names = [v["name"] for v in data["variables"]]
    for var in data["variables"]:
        original = book[var["name"]]
        if english:
            var["label"] = original.label_in("en")
            if original.value_labels:
                var["value_labels"] = original.value_labels_in("en")
            var.pop("translations", None)
        var["name"] = rename(var["name"])
        if var.get("applies_to"):
            var["applies_to"] = _rename_text(var["applies_to"], names)
    return Codebook.from_dict(data)


def _survey(target: Path, book: Codebook) -> None:
    from analysis.ingest import Dataset, read, spss

    ds = read(ROOT / "data" / "raw" / "organisatie_enquete.sav")
    renamed = {c: rename(c) for c in ds.codes.columns}
    spss.write(
        Dataset(
            frame=ds.frame.rename(columns=renamed), codebook=book, codes=ds.codes.rename(columns=renamed)
        ),
        target,
    )


def _workbook(source: Path, target: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(source)
    for ws in wb.worksheets:
        for cell in ws[1]:
            if cell.value is not None:
                cell.value = rename(str(cell.value))
    wb.save(target)


def _csv(source: Path, target: Path) -> None:
    head, _, rest = source.read_bytes().partition(b"\n")
    text = head.decode("utf-8-sig")
    sep = ";" if text.count(";") > text.count(",") else ","
    new = sep.join(rename(c.strip().strip('"')) for c in text.strip("\r").split(sep))
    target.write_bytes(new.encode("utf-8") + (b"\r" if head.endswith(b"\r") else b"") + b"\n" + rest)


def _qdpx(source: Path, target: Path, attributes: list[str]) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".qde"):
                text = data.decode("utf-8")
                for name in attributes:
                    text = text.replace(f'name="{name}"', f'name="{rename(name)}"')
                data = text.encode("utf-8")
            zout.writestr(item, data)


def _plan(config: dict, keep: set[str]) -> dict:
    """The example's plan with the copy's dataset keys and variable names (parts kept only)."""
    return {
        part: {key: _renamed(key, value) for key, value in spec.items()}
        for part, spec in config["plan"].items()
        if spec["dataset"] in keep
    }


def _renamed(key: str, value):
    if key == "dataset":
        return DATASETS[value]
    if key in ("quote_themes", "meta_codes"):  # interview codes, not variables
        return value
    if key == "observation_end" and not _is_variable(value):  # a date, not a variable
        return value
    if key == "scales":
        return {
            s: {k: [rename(i) for i in v] if isinstance(v, list) else v for k, v in sc.items()}
            for s, sc in value.items()
        }
    if isinstance(value, dict) and "variable" in value:  # category values stay: the copy has the same codes
        return {**value, "variable": rename(value["variable"])}
    if isinstance(value, dict):
        return {k: rename(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rename(v) for v in value]
    return rename(value)


#: Analysis options that list variables, and those that name a role or else a variable.
VARIABLE_LISTS = {"items", "variables", "covariates"}
ROLE_OR_VARIABLE = {"by", "rows", "cluster", "moderator", "between"}


def _analysis(spec: dict) -> dict:
    """An analysis of the example with the copy's variable names in its options."""
    from analysis.plan import ROLES

    roles = {name.split(".")[0] for part in ROLES.values() for name in part}
    out = {}
    for key, value in spec.items():
        if key in VARIABLE_LISTS and isinstance(value, list):
            out[key] = [rename(v) for v in value]
        elif key in ROLE_OR_VARIABLE and isinstance(value, str) and value not in roles:
            out[key] = rename(value)
        elif key == "among" and isinstance(value, dict):
            out[key] = {rename(column): values for column, values in value.items()}
        else:
            out[key] = value
    return out


def _is_variable(value) -> bool:
    import datetime as dt

    if isinstance(value, dt.date):
        return False
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return True
    return False


def renamed_study(
    folder: Path,
    *,
    english: bool = False,
    keep: tuple[str, ...] = tuple(DATASETS),
    analyses: dict | None = None,
) -> Path:
    """Write the renamed copy of the example study into ``folder``; return its study.yml.

    Parameters
    ----------
    english
        Labels from the codebooks' English translations, and ``language: en``.
    keep
        The example's datasets to deliver (e.g. only the survey and the referrals).
    analyses
        The copy's ``analyses:`` (default: the example's, those whose parts are kept).
    """
    from analysis.study import Study
    from analysis.validate.suites import regenerate_study

    config = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
    raw, books = folder / "bestanden", folder / "codeboeken"
    raw.mkdir(parents=True, exist_ok=True)
    books.mkdir(parents=True, exist_ok=True)
    datasets = {}
    for name in keep:
        new = DATASETS[name]
        book = _codebook(name, english=english)
        source = Path(config["datasets"][name]["path"])
        target = raw / f"{new}{source.suffix}"
        if name == "organisatie_enquete":
            _survey(target, book)
        elif source.suffix == ".xlsx":
            _workbook(ROOT / source, target)
        elif source.suffix == ".csv":
            _csv(ROOT / source, target)
        else:
            attributes = [v.name for v in Codebook.from_yaml(ROOT / "data" / "codebooks" / f"{name}.yml")]
            _qdpx(ROOT / source, target, [a for a in attributes if a not in QDA_COLUMNS])
        book.to_yaml(books / f"{new}.yml")
        datasets[new] = {
            "path": f"bestanden/{target.name}",
            "codebook": f"codeboeken/{new}.yml",
            "suite": f"regels/{new}.json",
        }
    shutil.copy2(ROOT / config["privacy"]["names_file"], raw / "namen.txt")
    plan = _plan(config, set(keep))
    if analyses is None:
        from analysis.plan import ANALYSES

        analyses = {
            n: _analysis(a) for n, a in config["analyses"].items() if ANALYSES[a["kind"]]["needs"][0] in plan
        }
    study = {
        "name": "eigen_studie" if not english else "own_study",
        "title": config["title"] if not english else "Bridges: formal and informal collaboration (own study)",
        "synthetic": True,
        "language": "en" if english else "nl",
        "datasets": datasets,
        "paths": {"reports": "rapporten", "processed": "verwerkt"},
        "disclosure": {
            **config["disclosure"],
            "quasi_identifiers": [rename(q) for q in config["disclosure"]["quasi_identifiers"]],
        },
        "privacy": {"names_file": "bestanden/namen.txt"},
        "validation": {
            "subcounts": [[rename(a), rename(b)] for a, b in config["validation"]["subcounts"]],
        },
        "plan": plan,
        "analyses": analyses,
    }
    named = {
        m.split(".")[0]
        for text in (ROOT / "data" / "report").glob("*.md")
        for m in re.findall(r"\{\{\s*([\w.\[\]]+)\s*\}\}", text.read_text(encoding="utf-8"))
    }
    if config.get("report") and named <= set(analyses):  # the report's texts, in a folder of another name
        shutil.copytree(ROOT / "data" / "report", folder / "teksten")
        study["report"] = yaml.safe_load(
            yaml.safe_dump(config["report"], allow_unicode=True).replace("data/report/", "teksten/")
        )
    path = folder / "study.yml"
    path.write_text(yaml.safe_dump(study, sort_keys=False, allow_unicode=True), encoding="utf-8")
    regenerate_study(Study.from_yaml(path))
    return path
