//! Enforcement documents (安全生产执法文书) issued from an inspection: the rectification order
//! (责令限期整改指令书), the decision on on-site measures (现场处理措施决定书), the review opinion
//! (整改复查意见书) and the administrative penalty decision (行政处罚决定书). Each is numbered per
//! county, kind and year in the national form's pattern, `汉阴应急责改〔2026〕12号`; a
//! rectification order's deadline puts a review on the duty calendar
//! ([`crate::duty::rectification_review`]).

use crate::invalid::{Invalid, Violation, optional_text, required_text};
use crate::tenure::parse_date;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

/// The longest a document's body may be: the national forms hold a page or two of text.
pub const MAX_CONTENT: usize = 5000;
/// The largest fine a county decides (the Work Safety Law's highest, for a especially major
/// accident, is 20 million yuan; ten times that is surely a typing error).
pub const MAX_FINE_YUAN: f64 = 200_000_000.0;

crate::closed_set! {
    invalid = "error.document_kind";
    /// The kinds of enforcement document.
    pub enum DocumentKind {
        /// 责令限期整改指令书: the unit rectifies by a deadline, then the inspectors review.
        RectificationOrder = "rectification_order",
        /// 现场处理措施决定书: measures taken on the spot (stopping work, sealing equipment).
        OnSiteDecision = "on_site_decision",
        /// 整改复查意见书: the review of a rectification order after its deadline.
        ReviewOpinion = "review_opinion",
        /// 行政处罚决定书: a fine or other administrative penalty, with its legal basis.
        PenaltyDecision = "penalty_decision",
    }
}

impl DocumentKind {
    /// The word the national forms put in the document number: 〔…〕责改, 现决, 复查, 罚.
    pub fn number_word(self) -> &'static str {
        match self {
            Self::RectificationOrder => "责改",
            Self::OnSiteDecision => "现决",
            Self::ReviewOpinion => "复查",
            Self::PenaltyDecision => "罚",
        }
    }

    /// The form's title as printed.
    pub fn title(self) -> &'static str {
        match self {
            Self::RectificationOrder => "责令限期整改指令书",
            Self::OnSiteDecision => "现场处理措施决定书",
            Self::ReviewOpinion => "整改复查意见书",
            Self::PenaltyDecision => "行政处罚决定书",
        }
    }
}

/// A document's number: the issuing organ's prefix (the county's short name and 应急, or as the
/// county sets it), the kind's word, the year in 〔〕 and the sequence, e.g.
/// `汉阴应急责改〔2026〕12号`.
pub fn document_number(prefix: &str, kind: DocumentKind, year: i32, sequence: i64) -> String {
    format!("{prefix}{}〔{year}〕{sequence}号", kind.number_word())
}

/// The prefix of a county's documents when it has set none: its name without the trailing
/// 县/区/市 and 应急 (汉阴县 → 汉阴应急).
pub fn default_prefix(county_name: &str) -> String {
    let short = county_name
        .strip_suffix("自治县")
        .or_else(|| county_name.strip_suffix('县'))
        .or_else(|| county_name.strip_suffix('区'))
        .or_else(|| county_name.strip_suffix('市'))
        .filter(|s| !s.is_empty())
        .unwrap_or(county_name);
    format!("{short}应急")
}

/// A document as a client sends it (`POST /api/v1/inspections/{id}/documents`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = EnforcementDocumentRequest)]
pub struct DocumentInput {
    /// rectification_order, on_site_decision, review_opinion or penalty_decision
    pub kind: Option<String>,
    /// YYYY-MM-DD: not before the inspection, not after today.
    pub issued_on: Option<String>,
    /// YYYY-MM-DD: by when the unit complies; required for a rectification order, after the
    /// day of issue.
    pub deadline: Option<String>,
    /// What the unit is ordered or decided to do, as printed on the form.
    pub content: Option<String>,
    /// A penalty decision's fine in yuan.
    pub fine_yuan: Option<f64>,
    /// The law and article applied; required for a penalty decision.
    pub legal_basis: Option<String>,
    /// A review opinion: the rectification order it reviews (the unit's latest unreviewed one
    /// when absent).
    pub order_id: Option<i64>,
}

/// A checked document, ready to number and store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    pub kind: DocumentKind,
    pub issued_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub content: String,
    pub fine_yuan: Option<f64>,
    pub legal_basis: Option<String>,
    pub order_id: Option<i64>,
}

impl NewDocument {
    /// Checks a document issued from an inspection made on `inspected_on`, every fault at once.
    pub fn parse(
        input: &DocumentInput,
        inspected_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let kind = e.keep(DocumentKind::parse(
            "kind",
            input.kind.as_deref().unwrap_or_default(),
        ));
        let issued_on = match input.issued_on.as_deref().map(str::trim) {
            None | Some("") => {
                e.push(Violation::new("issued_on", "error.required"));
                None
            }
            Some(raw) => e.keep(parse_date("issued_on", raw).and_then(|d| {
                if d > today {
                    Err(Violation::new("issued_on", "error.future_date"))
                } else if d < inspected_on {
                    Err(Violation::new("issued_on", "error.before_inspection")
                        .with("date", inspected_on))
                } else {
                    Ok(d)
                }
            })),
        };
        let deadline = match input.deadline.as_deref().map(str::trim) {
            None | Some("") => {
                if kind == Some(DocumentKind::RectificationOrder) {
                    e.push(Violation::new("deadline", "error.required"));
                }
                None
            }
            Some(raw) => e.keep(parse_date("deadline", raw).and_then(|d| match issued_on {
                Some(issued) if d <= issued => {
                    Err(Violation::new("deadline", "error.deadline_after_issue"))
                }
                _ if d.year() > 2100 => Err(Violation::new("deadline", "error.date")),
                _ => Ok(d),
            })),
        };
        let content = e.keep(required_text(
            "content",
            input.content.as_deref().unwrap_or_default(),
            MAX_CONTENT,
        ));
        let legal_basis = e
            .keep(optional_text(
                "legal_basis",
                input.legal_basis.as_deref(),
                500,
            ))
            .flatten();
        let penalty = kind == Some(DocumentKind::PenaltyDecision);
        let fine_yuan = match input.fine_yuan {
            None if penalty => {
                e.push(Violation::new("fine_yuan", "error.required"));
                None
            }
            Some(_) if kind.is_some() && !penalty => {
                e.push(Violation::new("fine_yuan", "error.fine_only_penalty"));
                None
            }
            Some(v) if !(v.is_finite() && v >= 0.0) => {
                e.push(Violation::new("fine_yuan", "error.not_negative"));
                None
            }
            Some(v) if v > MAX_FINE_YUAN => {
                e.push(Violation::new("fine_yuan", "error.too_much").with("max", MAX_FINE_YUAN));
                None
            }
            // Fines are decided in yuan and jiao at most.
            other => other.map(|v| (v * 100.0).round() / 100.0),
        };
        if penalty && legal_basis.is_none() {
            e.push(Violation::new("legal_basis", "error.required"));
        }
        let order_id = match (kind, input.order_id) {
            (Some(DocumentKind::ReviewOpinion), id) | (None, id) => id,
            (Some(_), Some(_)) => {
                e.push(Violation::new("order_id", "error.order_only_review"));
                None
            }
            (Some(_), None) => None,
        };
        e.into_result()?;
        let (Some(kind), Some(issued_on), Some(content)) = (kind, issued_on, content) else {
            return Err(Violation::new("kind", "error.required").into());
        };
        Ok(Self {
            kind,
            issued_on,
            deadline,
            content,
            fine_yuan,
            legal_basis,
            order_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn order() -> DocumentInput {
        DocumentInput {
            kind: Some("rectification_order".into()),
            issued_on: Some("2026-11-20".into()),
            deadline: Some("2026-12-20".into()),
            content: Some("消防通道堆放杂物，限期清理。".into()),
            ..DocumentInput::default()
        }
    }

    fn fields(input: &DocumentInput) -> Vec<(String, &'static str)> {
        match NewDocument::parse(input, day(2026, 11, 20), day(2026, 12, 2)) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.into_iter().map(|v| (v.field, v.key)).collect(),
        }
    }

    #[test]
    fn numbers_follow_the_national_forms() {
        assert_eq!(
            document_number("汉阴应急", DocumentKind::RectificationOrder, 2026, 12),
            "汉阴应急责改〔2026〕12号"
        );
        assert_eq!(
            document_number("汉阴应急", DocumentKind::PenaltyDecision, 2026, 3),
            "汉阴应急罚〔2026〕3号"
        );
        assert_eq!(default_prefix("汉阴县"), "汉阴应急");
        assert_eq!(default_prefix("汉滨区"), "汉滨应急");
        assert_eq!(default_prefix("紫阳"), "紫阳应急");
        assert_eq!(default_prefix("县"), "县应急");
    }

    #[test]
    fn an_order_needs_a_deadline_after_its_issue() {
        let made = NewDocument::parse(&order(), day(2026, 11, 20), day(2026, 12, 2)).unwrap();
        assert_eq!(made.kind, DocumentKind::RectificationOrder);
        assert_eq!(made.deadline, Some(day(2026, 12, 20)));
        let mut no_deadline = order();
        no_deadline.deadline = None;
        assert_eq!(
            fields(&no_deadline),
            vec![("deadline".into(), "error.required")]
        );
        let mut same_day = order();
        same_day.deadline = Some("2026-11-20".into());
        assert_eq!(
            fields(&same_day),
            vec![("deadline".into(), "error.deadline_after_issue")]
        );
    }

    #[test]
    fn a_document_is_issued_between_the_inspection_and_today() {
        let mut early = order();
        early.issued_on = Some("2026-11-19".into());
        assert_eq!(
            fields(&early),
            vec![("issued_on".into(), "error.before_inspection")]
        );
        let mut future = order();
        future.issued_on = Some("2026-12-03".into());
        future.deadline = Some("2026-12-30".into());
        assert_eq!(
            fields(&future),
            vec![("issued_on".into(), "error.future_date")]
        );
        let mut garbled = order();
        garbled.issued_on = Some("2026-13-01".into());
        assert_eq!(fields(&garbled), vec![("issued_on".into(), "error.date")]);
    }

    #[test]
    fn a_penalty_names_its_fine_and_legal_basis_and_only_a_penalty_fines() {
        let penalty = DocumentInput {
            kind: Some("penalty_decision".into()),
            issued_on: Some("2026-11-25".into()),
            content: Some("未按规定开展隐患排查。".into()),
            ..DocumentInput::default()
        };
        assert_eq!(
            fields(&penalty),
            vec![
                ("fine_yuan".into(), "error.required"),
                ("legal_basis".into(), "error.required")
            ]
        );
        let fined = DocumentInput {
            fine_yuan: Some(20_000.004),
            legal_basis: Some("《安全生产法》第一百零二条".into()),
            ..penalty.clone()
        };
        let made = NewDocument::parse(&fined, day(2026, 11, 20), day(2026, 12, 2)).unwrap();
        assert_eq!(made.fine_yuan, Some(20_000.0));
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let wrong = DocumentInput {
                fine_yuan: Some(bad),
                ..fined.clone()
            };
            assert_eq!(
                fields(&wrong),
                vec![("fine_yuan".into(), "error.not_negative")]
            );
        }
        let huge = DocumentInput {
            fine_yuan: Some(1e12),
            ..fined
        };
        assert_eq!(fields(&huge), vec![("fine_yuan".into(), "error.too_much")]);
        let fined_order = DocumentInput {
            fine_yuan: Some(100.0),
            ..order()
        };
        assert_eq!(
            fields(&fined_order),
            vec![("fine_yuan".into(), "error.fine_only_penalty")]
        );
    }

    #[test]
    fn unknown_kinds_and_empty_content_are_named() {
        let wrong = DocumentInput {
            kind: Some("warning_letter".into()),
            content: Some("  ".into()),
            ..order()
        };
        assert_eq!(
            fields(&wrong),
            vec![
                ("kind".into(), "error.document_kind"),
                ("content".into(), "error.required")
            ]
        );
        let long = DocumentInput {
            content: Some("字".repeat(MAX_CONTENT + 1)),
            ..order()
        };
        assert_eq!(fields(&long), vec![("content".into(), "error.too_long")]);
        let order_of_order = DocumentInput {
            order_id: Some(4),
            ..order()
        };
        assert_eq!(
            fields(&order_of_order),
            vec![("order_id".into(), "error.order_only_review")]
        );
    }
}
