//! A unit's own grid (R-GRID-4, 四级网格): the company (公司/厂矿) splits into workshops (车间)
//! and workshops into teams (班组); at any of these tiers hang the things someone answers
//! for — an area, place, part, link, piece of equipment or process — each with a named person.

use crate::invalid::Violation;

crate::closed_set! {
    pub enum NodeKind {
        Company = "company",
        Workshop = "workshop",
        Team = "team",
        Area = "area",
        Place = "place",
        Part = "part",
        Link = "link",
        Equipment = "equipment",
        Process = "process",
    }
}

impl NodeKind {
    /// Company, workshop and team are the tiers of the grid; the rest are responsibilities.
    pub fn is_tier(self) -> bool {
        matches!(
            self,
            NodeKind::Company | NodeKind::Workshop | NodeKind::Team
        )
    }
}

/// Whether a node of `kind` may sit under `parent` (`None`: at the top of the unit's grid).
/// Only a company stands at the top; a workshop sits under a company, a team under a
/// workshop; responsibilities sit under any tier but not under one another.
pub fn check_placement(kind: NodeKind, parent: Option<NodeKind>) -> Result<(), Violation> {
    let fits = match (kind, parent) {
        (NodeKind::Company, None) => true,
        (NodeKind::Workshop, Some(NodeKind::Company)) => true,
        (NodeKind::Team, Some(NodeKind::Workshop)) => true,
        (k, Some(p)) if !k.is_tier() => p.is_tier(),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(Violation::new("parent_id", "error.own_grid_placement"))
    }
}

/// A node of a unit's own grid, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct GridNodeInput {
    pub parent_id: Option<i64>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub person: Option<String>,
    pub phone: Option<String>,
    pub duties: Option<String>,
}

/// A node of a unit's own grid, checked (where it may hang is checked against its parent with
/// `check_placement` once the parent is read).
#[derive(Debug, Clone, PartialEq)]
pub struct NewGridNode {
    pub parent_id: Option<i64>,
    pub kind: NodeKind,
    pub name: String,
    pub person: String,
    pub phone: Option<String>,
    pub duties: Option<String>,
}

impl GridNodeInput {
    pub fn parse(&self) -> Result<NewGridNode, crate::invalid::Invalid> {
        use crate::invalid::{Invalid, optional_phone, optional_text, required_text};
        let mut errors = Invalid::default();
        let kind = errors.keep(NodeKind::parse(
            "kind",
            self.kind.as_deref().unwrap_or_default(),
        ));
        let name = errors.keep(required_text(
            "name",
            self.name.as_deref().unwrap_or_default(),
            60,
        ));
        let person = errors.keep(required_text(
            "person",
            self.person.as_deref().unwrap_or_default(),
            30,
        ));
        let phone = errors.keep(optional_phone("phone", self.phone.as_deref()));
        let duties = errors.keep(optional_text("duties", self.duties.as_deref(), 500));
        errors.into_result()?;
        match (kind, name, person, phone, duties) {
            (Some(kind), Some(name), Some(person), Some(phone), Some(duties)) => Ok(NewGridNode {
                parent_id: self.parent_id,
                kind,
                name,
                person,
                phone,
                duties,
            }),
            _ => Err(Invalid::one("body", "error.body_unreadable")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NodeKind::*;

    #[test]
    fn every_placement() {
        let parents = [None, Some(Company), Some(Workshop), Some(Team), Some(Area)];
        for kind in NodeKind::ALL {
            for parent in parents {
                let expected = match (kind, parent) {
                    (Company, None) | (Workshop, Some(Company)) | (Team, Some(Workshop)) => true,
                    (Company | Workshop | Team, _) => false,
                    (_, Some(Company | Workshop | Team)) => true,
                    _ => false,
                };
                assert_eq!(
                    check_placement(kind, parent).is_ok(),
                    expected,
                    "{kind:?} under {parent:?}"
                );
            }
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in NodeKind::ALL {
            assert_eq!(NodeKind::parse("kind", k.as_str()).unwrap(), k);
        }
        assert_eq!(NodeKind::parse("kind", "floor").unwrap_err().field, "kind");
    }

    #[test]
    fn a_node_names_every_fault_at_once() {
        let e = GridNodeInput {
            kind: Some("office".into()),
            person: Some("x".repeat(31)),
            phone: Some("call me".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["kind", "name", "person", "phone"]);
    }
}
