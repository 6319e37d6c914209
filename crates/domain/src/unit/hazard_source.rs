//! A major hazard source's identification as typed (重大危险源辨识, GB 18218) and as checked:
//! the site, the people around it, its substances and the dates of identification and filing.

use crate::invalid::{Invalid, Violation, optional_text, required_text};
use crate::tenure::parse_date;
use crate::unit::gb18218::{self, Substance};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A hazard source as typed into the form or the API. On a change, fields left out keep
/// their values (`substances` as a whole).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HazardSourceInput {
    /// The unit (on creation).
    pub unit_id: Option<i64>,
    /// The site or installation: 液氨储罐区, LPG 储配站 …
    pub name: Option<String>,
    /// People normally present within 500 m outside the boundary (gives α).
    pub people_within_500m: Option<i64>,
    pub substances: Option<Vec<SubstanceInput>>,
    /// The day of the identification and assessment, YYYY-MM-DD.
    pub identified_on: Option<String>,
    /// The day it was filed with the county, YYYY-MM-DD.
    pub filed_on: Option<String>,
    /// The supervision measures (监控措施): monitoring, alarms, emergency plan …
    pub measures: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SubstanceInput {
    pub name: Option<String>,
    pub cas: Option<String>,
    /// Tonnes on site.
    pub q: Option<f64>,
    /// The critical quantity in tonnes.
    pub critical_q: Option<f64>,
    pub beta: Option<f64>,
}

/// The checked values of a source, ready to store.
/// A hazard source identification, checked: its substances graded by GB 18218 already once
/// (the numbers are refused by the grading's own rules, naming the same fields).
#[derive(Debug, Clone, PartialEq)]
pub struct NewHazardSource {
    pub name: String,
    pub people: u32,
    pub substances: Vec<(String, Option<String>, Substance)>,
    pub identified_on: NaiveDate,
    pub filed_on: Option<NaiveDate>,
    pub measures: Option<String>,
}

impl HazardSourceInput {
    /// Checks an identification as typed on `today` (its dates cannot be in the future).
    pub fn parse(&self, today: NaiveDate) -> Result<NewHazardSource, Invalid> {
        let input = self;
        let mut errors = Invalid::default();
        let name = errors.keep(required_text(
            "name",
            input.name.as_deref().unwrap_or_default(),
            100,
        ));
        let people = match input.people_within_500m {
            None => errors.keep(Err(Violation::new("people_within_500m", "error.required"))),
            Some(n) => errors.keep(
                u32::try_from(n)
                    .map_err(|_| Violation::new("people_within_500m", "error.not_negative")),
            ),
        };
        let identified_on = match input.identified_on.as_deref().map(str::trim) {
            None | Some("") => errors.keep(Err(Violation::new("identified_on", "error.required"))),
            Some(raw) => errors.keep(parse_date("identified_on", raw).and_then(|d| {
                if d > today {
                    Err(Violation::new("identified_on", "error.future_date"))
                } else {
                    Ok(d)
                }
            })),
        };
        let filed_on = match input.filed_on.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors.keep(parse_date("filed_on", raw).and_then(|d| {
                if d > today {
                    Err(Violation::new("filed_on", "error.future_date"))
                } else if identified_on.is_some_and(|i| d < i) {
                    Err(Violation::new("filed_on", "error.filed_before_identified"))
                } else {
                    Ok(Some(d))
                }
            })),
        };
        let measures = errors.keep(optional_text("measures", input.measures.as_deref(), 2000));
        let raw = input.substances.as_deref().unwrap_or_default();
        let mut substances = Vec::new();
        if raw.is_empty() {
            errors.push(Violation::new("substances", "error.required"));
        }
        for (i, s) in raw.iter().enumerate() {
            let field = |f: &str| format!("substances[{i}].{f}");
            let name = errors.keep(required_text(
                &field("name"),
                s.name.as_deref().unwrap_or_default(),
                60,
            ));
            let cas = errors.keep(optional_text(&field("cas"), s.cas.as_deref(), 20));
            let mut number = |f: &str, v: Option<f64>| match v {
                Some(v) => Some(v),
                None => errors.keep(Err(Violation::new(field(f), "error.required"))),
            };
            let (q, critical_q, beta) = (
                number("q", s.q),
                number("critical_q", s.critical_q),
                number("beta", s.beta),
            );
            if let (Some(name), Some(cas), Some(q), Some(critical_q), Some(beta)) =
                (name, cas, q, critical_q, beta)
            {
                substances.push((
                    name,
                    cas,
                    Substance {
                        q,
                        critical_q,
                        beta,
                    },
                ));
            }
        }
        // The numbers themselves are checked by the grading, which names the same fields.
        if substances.len() == raw.len() && !raw.is_empty() {
            let only: Vec<Substance> = substances.iter().map(|s| s.2).collect();
            if let Err(invalid) = gb18218::grade(people.unwrap_or(0), &only) {
                invalid.0.into_iter().for_each(|v| errors.push(v));
            }
        }
        errors.into_result()?;
        match (name, people, identified_on, filed_on, measures) {
            (Some(name), Some(people), Some(identified_on), Some(filed_on), Some(measures)) => {
                Ok(NewHazardSource {
                    name,
                    people,
                    substances,
                    identified_on,
                    filed_on,
                    measures,
                })
            }
            _ => Err(Invalid::one("body", "error.body_unreadable")),
        }
    }
}
