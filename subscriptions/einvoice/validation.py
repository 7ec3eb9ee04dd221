"""Check a UBL invoice or credit note against the official rules, offline.

Two rule sets run, both vendored unmodified in ``rules/`` (see its README for sources,
versions and licences):

* **EN 16931** (CEN's business rules for UBL, ``BR-…``), shipped already compiled to XSLT;
* **Peppol BIS Billing 3.0** (``PEPPOL-EN16931-R…``, the code-list rules and the national
  ones, among them the Dutch ``NL-R-…`` that apply because our seller is Dutch), shipped as
  Schematron and compiled here to XSLT with the vendored SchXslt pipeline.

Both are XSLT 2.0, which only Saxon runs from Python: ``saxonche`` (Saxon-HE, a wheel from
PyPI, no JVM). It is a development and test dependency (``requirements-dev.txt``): nothing
in production imports this module. Each stylesheet turns a document into an SVRL report;
its ``svrl:failed-assert`` (and ``svrl:successful-report``) elements are the findings. A
document passes when no finding has ``flag="fatal"``; warnings are returned too.

Compiling the Schematron costs about half a second, so its XSLT is kept on disk under
``var/cache/einvoice/``, named by the SHA-256 of everything it was made from (the
Schematron, the SchXslt files and the saxonche version): a changed rule file makes a new
one, never a stale hit. Within one process the compiled stylesheets are made once
(:func:`validator`). Saxon's processor is process-global and not meant to be shared
between threads: use it from one thread at a time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from lxml import etree

RULES_DIR = Path(__file__).resolve().parent / "rules"
CEN_XSLT = RULES_DIR / "en16931-ubl" / "EN16931-UBL-validation.xslt"
PEPPOL_SCHEMATRON = RULES_DIR / "peppol" / "PEPPOL-EN16931-UBL.sch"
SCHXSLT_DIR = RULES_DIR / "schxslt-2.0"
SCHXSLT_PIPELINE = SCHXSLT_DIR / "pipeline-for-svrl.xsl"

SVRL = "http://purl.oclc.org/dsdl/svrl"
FATAL = "fatal"
WARNING = "warning"


class NotWellFormed(ValueError):
    """The document is not XML at all (nothing to check)."""


@dataclass(frozen=True)
class Finding:
    """One rule that did not hold (or one report that fired)."""

    rules: str  # "EN16931" or "Peppol"
    id: str  # e.g. "BR-CO-15", "PEPPOL-EN16931-R051", "NL-R-001"
    flag: str  # "fatal" or "warning" (as the rule file says)
    location: str  # XPath of the node the rule was checked on
    text: str

    def __str__(self) -> str:
        return f"[{self.flag}] {self.id} at {self.location}: {self.text}"


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def fatal(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.flag == FATAL)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.flag != FATAL)

    @property
    def ok(self) -> bool:
        """No fatal finding under either rule set."""
        return not self.fatal

    def ids(self, *, flag: str | None = None) -> list[str]:
        return [f.id for f in self.findings if flag is None or f.flag == flag]

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.findings) or "no findings"


def _source_digest() -> str:
    digest = hashlib.sha256()
    digest.update(metadata.version("saxonche").encode())
    for path in [PEPPOL_SCHEMATRON, *sorted(SCHXSLT_DIR.rglob("*.xsl"))]:
        digest.update(path.relative_to(RULES_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def default_cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "cache" / "einvoice"


class Validator:
    """The two compiled rule sets. Make one per process (:func:`validator`)."""

    def __init__(self, *, cache_dir: Path | None = None) -> None:
        from saxonche import PySaxonProcessor

        self._processor = PySaxonProcessor(license=False)
        xslt = self._processor.new_xslt30_processor()
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self._cen = xslt.compile_stylesheet(stylesheet_file=str(CEN_XSLT))
        self._peppol = xslt.compile_stylesheet(stylesheet_text=self._peppol_xslt(xslt))

    def _peppol_xslt(self, xslt) -> str:
        """The Peppol Schematron as XSLT: from the disk cache, or compiled and stored."""
        cached = self.cache_dir / f"peppol-{_source_digest()[:32]}.xsl"
        if cached.exists():
            return cached.read_text(encoding="utf-8")
        pipeline = xslt.compile_stylesheet(stylesheet_file=str(SCHXSLT_PIPELINE))
        text = pipeline.transform_to_string(source_file=str(PEPPOL_SCHEMATRON))
        if not text or "http://www.w3.org/1999/XSL/Transform" not in text:
            raise RuntimeError("SchXslt produced no stylesheet from the Peppol Schematron")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        # Written next to its final name and moved there: parallel test workers may race.
        fd, partial = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(partial, cached)
        return text

    def validate(self, document: bytes | str) -> Report:
        text = document.decode("utf-8") if isinstance(document, bytes) else document
        try:
            etree.fromstring(text.encode("utf-8"))
        except etree.XMLSyntaxError as error:
            raise NotWellFormed(str(error)) from error
        node = self._processor.parse_xml(xml_text=text)
        findings: list[Finding] = []
        for rules, stylesheet in (("EN16931", self._cen), ("Peppol", self._peppol)):
            svrl = stylesheet.transform_to_string(xdm_node=node)
            findings.extend(_findings(rules, svrl))
        return Report(findings=tuple(findings))


def _findings(rules: str, svrl: str | None) -> list[Finding]:
    if not svrl:
        raise RuntimeError(f"the {rules} stylesheet produced no SVRL report")
    root = etree.fromstring(svrl.encode("utf-8"))
    if root.tag != f"{{{SVRL}}}schematron-output":
        raise RuntimeError(f"the {rules} stylesheet produced {root.tag}, not an SVRL report")
    found = []
    for element in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = element.find(f"{{{SVRL}}}text")
        found.append(
            Finding(
                rules=rules,
                id=element.get("id", ""),
                flag=element.get("flag", FATAL),  # an assert without a flag counts as an error
                location=element.get("location", ""),
                text=" ".join((text.text if text is not None else "").split()),
            )
        )
    return found


@functools.cache
def validator() -> Validator:
    """The process's validator (the rule sets compiled on first use)."""
    return Validator()


def validate(document: bytes | str) -> Report:
    """Both rule sets' findings for one UBL document."""
    return validator().validate(document)
