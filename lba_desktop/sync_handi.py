"""The handicap-engaged pass of a sync: which employers the upstream lists when asked for the
engaged ones only (`elligibleHandicapFilter=true`), tagged on what the plain pass brought.

Since 2026 the jobs items carry no handicap field: the filtered answer is the only source. An
engaged answer identical to the plain one is a filter the service did not apply (the upstream's
API code path has been seen ignoring it): nothing is tagged then, rather than every employer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lba_desktop.models import Item, Kind

HANDI_KINDS = (Kind.OFFRE, Kind.PARTENARIAT, Kind.ENTREPRISE)
Key = tuple[Kind, str]
Group = tuple[str, tuple[str, ...]]  # (département, ROME codes) of a pair of calls


def _keys(items: list[Item] | tuple[Item, ...]) -> set[Key]:
    return {(item.kind, item.id) for item in items if item.kind in HANDI_KINDS}


@dataclass(slots=True)
class HandiPass:
    """Collects both passes per group, then tags the items of the groups it can vouch for."""

    plain: dict[Group, set[Key]] = field(default_factory=dict)
    engaged: dict[Group, set[Key]] = field(default_factory=dict)
    extra: list[Item] = field(default_factory=list)  # engaged items the plain pass lacked
    failed: set[Group] = field(default_factory=set)

    def add_plain(self, group: Group, items: tuple[Item, ...]) -> None:
        self.plain.setdefault(group, set()).update(_keys(items))

    def add_engaged(self, group: Group, items: tuple[Item, ...]) -> None:
        self.engaged.setdefault(group, set()).update(_keys(items))
        self.extra.extend(item for item in items if item.kind in HANDI_KINDS)

    def fail(self, group: Group) -> None:
        self.failed.add(group)

    def ignored_groups(self) -> set[Group]:
        """Groups whose engaged answer was the plain one: the filter was not applied."""
        return {
            group
            for group, engaged in self.engaged.items()
            if group not in self.failed and engaged and engaged == self.plain.get(group)
        }

    def tag(self, items: list[Item]) -> tuple[list[Item], list[str]]:
        """The items with `handi_friendly` set from the engaged answers, plus the engaged
        items the plain pass did not list; French warnings for groups left untagged."""
        ignored = self.ignored_groups()
        vouched: set[Key] = set()
        for group, engaged in self.engaged.items():
            if group not in ignored and group not in self.failed:
                vouched |= engaged
        known = {(item.kind, item.id) for item in items}
        tagged = [
            replace(item, handi_friendly=True)
            if (item.kind, item.id) in vouched and not item.handi_friendly
            else item
            for item in items
        ]
        for item in self.extra:
            key = (item.kind, item.id)
            if key in vouched and key not in known:
                tagged.append(replace(item, handi_friendly=True))
                known.add(key)
        warnings = []
        if ignored:
            deps = ", ".join(sorted({dep for dep, _romes in ignored}))
            warnings.append(
                "Le service n'a pas appliqué le filtre « employeur handi-engagé » "
                f"(départements {deps}) : aucun employeur n'y est marqué handi-engagé."
            )
        if self.failed:
            deps = ", ".join(sorted({dep for dep, _romes in self.failed}))
            warnings.append(
                "Employeurs handi-engagés non vérifiés (départements "
                f"{deps}) : le service n'a pas répondu à cette recherche."
            )
        return tagged, warnings
