//! The three posts' certificates (三岗人员): the principal's and the safety manager's training
//! certificates, re-trained every year (SAWS Order 3), and special-operations workers'
//! certificates (特种作业操作证), valid six years and reviewed every three (SAWS Order 30,
//! Art. 21). A certificate is due for review on its review date or expires, whichever comes
//! first; recording its renewal (a newer certificate of the same holder, kind and category)
//! discharges it.

use crate::invalid::{Invalid, Violation, required_text};
use crate::tenure::parse_date;
use chrono::{Datelike, Months, NaiveDate};
use serde::Deserialize;

crate::closed_set! {
    invalid = "error.certificate_kind";
    /// Whose certificate.
    pub enum CertificateKind {
        /// 主要负责人安全生产知识和管理能力考核合格证明.
        Principal = "principal",
        /// 安全生产管理人员安全生产知识和管理能力考核合格证明.
        SafetyManager = "safety_manager",
        /// 特种作业操作证.
        SpecialOperation = "special_operation",
    }
}

crate::closed_set! {
    invalid = "error.special_operation";
    /// The catalogue of special operations (特种作业目录, SAWS Order 30 annex), by category.
    pub enum SpecialOperation {
        Electrician = "electrician",
        Welding = "welding",
        WorkAtHeight = "work_at_height",
        Refrigeration = "refrigeration",
        CoalMine = "coal_mine",
        MetalMine = "metal_mine",
        OilGas = "oil_gas",
        Metallurgy = "metallurgy",
        HazardousChemicals = "hazardous_chemicals",
        Fireworks = "fireworks",
    }
}

/// Months between reviews: special operations every 36, the principal's and safety manager's
/// re-training every 12.
pub fn review_months(kind: CertificateKind) -> u32 {
    match kind {
        CertificateKind::SpecialOperation => 36,
        CertificateKind::Principal | CertificateKind::SafetyManager => 12,
    }
}

/// When a certificate issued on `issued_on` falls due: its review date, or its expiry if that
/// comes first.
pub fn review_due(kind: CertificateKind, issued_on: NaiveDate, expires_on: NaiveDate) -> NaiveDate {
    issued_on
        .checked_add_months(Months::new(review_months(kind)))
        .unwrap_or(expires_on)
        .min(expires_on)
}

/// A certificate as a unit sends it (`POST /api/v1/units/{id}/certificates`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CertificateRequest)]
pub struct CertificateInput {
    /// The holder's name.
    pub holder: Option<String>,
    /// principal, safety_manager or special_operation
    pub kind: Option<String>,
    /// For a special operation: electrician, welding, work_at_height, refrigeration,
    /// coal_mine, metal_mine, oil_gas, metallurgy, hazardous_chemicals or fireworks.
    pub category: Option<String>,
    pub number: Option<String>,
    /// YYYY-MM-DD, not after today.
    pub issued_on: Option<String>,
    /// YYYY-MM-DD, after the day of issue.
    pub expires_on: Option<String>,
}

/// A checked certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCertificate {
    pub holder: String,
    pub kind: CertificateKind,
    pub category: Option<SpecialOperation>,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub review_due: NaiveDate,
}

/// No certificate is dated before this.
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1980, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

impl NewCertificate {
    pub fn parse(input: &CertificateInput, today: NaiveDate) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let holder = e.keep(required_text(
            "holder",
            input.holder.as_deref().unwrap_or_default(),
            40,
        ));
        let kind = e.keep(CertificateKind::parse(
            "kind",
            input.kind.as_deref().unwrap_or_default(),
        ));
        let category = match (
            kind,
            input
                .category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty()),
        ) {
            (Some(CertificateKind::SpecialOperation), None) => {
                e.push(Violation::new("category", "error.required"));
                None
            }
            (Some(CertificateKind::SpecialOperation), Some(c)) => {
                e.keep(SpecialOperation::parse("category", c))
            }
            (_, Some(_)) => {
                e.push(Violation::new("category", "error.category_only_special"));
                None
            }
            (_, None) => None,
        };
        let number = e.keep(required_text(
            "number",
            input.number.as_deref().unwrap_or_default(),
            40,
        ));
        let date = |field: &str, raw: &Option<String>| match raw.as_deref().map(str::trim) {
            None | Some("") => Err(Violation::new(field, "error.required")),
            Some(raw) => parse_date(field, raw).and_then(|d| {
                if d < EARLIEST || d.year() > 2100 {
                    Err(Violation::new(field, "error.date"))
                } else {
                    Ok(d)
                }
            }),
        };
        let issued_on = e.keep(date("issued_on", &input.issued_on).and_then(|d| {
            if d > today {
                Err(Violation::new("issued_on", "error.future_date"))
            } else {
                Ok(d)
            }
        }));
        let expires_on = e.keep(date("expires_on", &input.expires_on));
        if let (Some(i), Some(x)) = (issued_on, expires_on)
            && x <= i
        {
            e.push(Violation::new("expires_on", "error.expires_before_issue"));
        }
        e.into_result()?;
        match (holder, kind, number, issued_on, expires_on) {
            (Some(holder), Some(kind), Some(number), Some(issued_on), Some(expires_on)) => {
                Ok(NewCertificate {
                    holder,
                    kind,
                    category,
                    number,
                    issued_on,
                    expires_on,
                    review_due: review_due(kind, issued_on, expires_on),
                })
            }
            _ => Err(Invalid::one("holder", "error.required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input(kind: &str, category: Option<&str>, issued: &str, expires: &str) -> CertificateInput {
        CertificateInput {
            holder: Some("王伟".into()),
            kind: Some(kind.into()),
            category: category.map(Into::into),
            number: Some("T610921198001011234".into()),
            issued_on: Some(issued.into()),
            expires_on: Some(expires.into()),
        }
    }

    #[test]
    fn special_operations_are_reviewed_every_three_years_the_posts_retrained_yearly() {
        let today = day("2026-12-03");
        let welder = NewCertificate::parse(
            &input(
                "special_operation",
                Some("welding"),
                "2024-03-15",
                "2030-03-15",
            ),
            today,
        )
        .unwrap();
        assert_eq!(welder.review_due, day("2027-03-15"));
        let manager = NewCertificate::parse(
            &input("safety_manager", None, "2026-05-31", "2029-05-31"),
            today,
        )
        .unwrap();
        assert_eq!(manager.review_due, day("2027-05-31"));
        // Expiry first wins.
        let short = NewCertificate::parse(
            &input(
                "special_operation",
                Some("electrician"),
                "2025-01-10",
                "2026-06-30",
            ),
            today,
        )
        .unwrap();
        assert_eq!(short.review_due, day("2026-06-30"));
        // A 29 February issue reviews on the last day of February.
        assert_eq!(
            review_due(
                CertificateKind::Principal,
                day("2024-02-29"),
                day("2030-01-01")
            ),
            day("2025-02-28")
        );
    }

    #[test]
    fn bad_certificates_name_their_fields() {
        let today = day("2026-12-03");
        let fields = |i: CertificateInput| -> Vec<String> {
            NewCertificate::parse(&i, today)
                .unwrap_err()
                .0
                .into_iter()
                .map(|v| v.field)
                .collect()
        };
        assert_eq!(
            fields(input(
                "special_operation",
                Some("welding"),
                "2026-01-01",
                "2025-12-31"
            )),
            ["expires_on"]
        );
        assert_eq!(
            fields(input(
                "special_operation",
                Some("welding"),
                "2026-01-01",
                "2026-01-01"
            )),
            ["expires_on"]
        );
        assert_eq!(
            fields(input("special_operation", None, "2026-01-01", "2030-01-01")),
            ["category"]
        );
        assert_eq!(
            fields(input(
                "special_operation",
                Some("diving"),
                "2026-01-01",
                "2030-01-01"
            )),
            ["category"]
        );
        assert_eq!(
            fields(input(
                "principal",
                Some("welding"),
                "2026-01-01",
                "2030-01-01"
            )),
            ["category"]
        );
        assert_eq!(
            fields(input("boss", None, "2026-01-01", "2030-01-01")),
            ["kind"]
        );
        assert_eq!(
            fields(input("principal", None, "2026-12-04", "2030-01-01")),
            ["issued_on"]
        );
        assert_eq!(
            fields(input("principal", None, "1970-01-01", "2030-01-01")),
            ["issued_on"]
        );
        assert_eq!(
            fields(input("principal", None, "2026-01-01", "2300-01-01")),
            ["expires_on"]
        );
        let mut blank = input("principal", None, "2026-01-01", "2030-01-01");
        blank.holder = None;
        blank.number = Some(" ".into());
        assert_eq!(fields(blank), ["holder", "number"]);
    }
}
