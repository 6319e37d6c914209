//! Grid plans (网格化安全管理方案, R-GRID-8): every department and every town files its plan;
//! the county office sets the deadline and sees who has filed, late or not at all.

use chrono::NaiveDate;

crate::closed_set! {
    /// Where an owner stands with its plan.
    pub enum PlanState {
        /// Filed on or before the deadline (or with no deadline set).
        Filed = "filed",
        /// Filed after the deadline.
        FiledLate = "filed_late",
        /// Not filed, and the deadline has passed.
        Missing = "missing",
        /// Not filed yet, the deadline still ahead (or none set).
        Pending = "pending",
    }
}

impl PlanState {
    /// Needs the county office's attention.
    pub fn is_problem(self) -> bool {
        matches!(self, PlanState::Missing | PlanState::FiledLate)
    }
}

/// The state of an owner's plan on `today`, from its first filing and the deadline. The day
/// of the deadline itself still counts as on time.
pub fn plan_state(
    first_filed_on: Option<NaiveDate>,
    due_on: Option<NaiveDate>,
    today: NaiveDate,
) -> PlanState {
    match (first_filed_on, due_on) {
        (Some(filed), Some(due)) if filed > due => PlanState::FiledLate,
        (Some(_), _) => PlanState::Filed,
        (None, Some(due)) if today > due => PlanState::Missing,
        (None, _) => PlanState::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn states_around_the_deadline() {
        let due = Some(d("2026-03-31"));
        assert_eq!(
            plan_state(Some(d("2026-03-31")), due, d("2026-06-01")),
            PlanState::Filed
        );
        assert_eq!(
            plan_state(Some(d("2026-04-01")), due, d("2026-06-01")),
            PlanState::FiledLate
        );
        assert_eq!(plan_state(None, due, d("2026-03-31")), PlanState::Pending);
        assert_eq!(plan_state(None, due, d("2026-04-01")), PlanState::Missing);
        assert_eq!(plan_state(None, None, d("2030-01-01")), PlanState::Pending);
        assert_eq!(
            plan_state(Some(d("2030-01-01")), None, d("2030-01-01")),
            PlanState::Filed
        );
        assert!(PlanState::Missing.is_problem() && PlanState::FiledLate.is_problem());
        assert!(!PlanState::Pending.is_problem() && !PlanState::Filed.is_problem());
    }
}
