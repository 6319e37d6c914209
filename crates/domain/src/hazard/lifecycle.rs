//! The life of a hidden hazard as one table: which action moves it from which state to which,
//! who may take it, and what must be true first. Everything that changes a hazard goes through
//! [`decide`]; the table is tested for every action × state × party.
//!
//! ```text
//! reported ──accept──▶ rectifying ──complete──▶ awaiting_verification ──verify──▶ closed
//!    │  ▲ refer            │  ▲                          │ return ▲
//!    │  └──┘               │  └──────── return ──────────┘
//!    └─reject─▶ rejected   └─(listed) submit_assessment─▶ assessed ─apply_resumption─▶
//!                                      resumption_applied ──verify──▶ closed
//! ```
//! A major hazard needs its six-part plan before it is accepted for rectification; the county
//! may list it for supervision (挂牌督办), after which it closes only through an assessment and
//! a resumption application, and only the body that listed it — the county (its
//! administration or safety committee office, [`Party::County`]), the only party that lists —
//! reviews it: verifies and closes (销号) it, or returns it for more rectification. Overdue is
//! not a state: it is the deadline passing while open.

use super::{HazardLevel, HazardSource};
use crate::access::Role;
use serde::Serialize;

crate::closed_set! {
    invalid = "error.choice";
    /// Where a hazard stands in its life.
    pub enum State {
        /// Reported, waiting for the supervisor to accept, refer or reject it.
        Reported = "reported",
        Rectifying = "rectifying",
        AwaitingVerification = "awaiting_verification",
        /// A listed major hazard, rectified and assessed.
        Assessed = "assessed",
        /// A listed major hazard whose unit applied to resume production.
        ResumptionApplied = "resumption_applied",
        /// Verified and closed (销号).
        Closed = "closed",
        /// Not a hazard, or not one for this county to handle (with a reason).
        Rejected = "rejected",
    }
}

impl State {
    /// Still to be dealt with: can become overdue.
    pub fn is_open(self) -> bool {
        !matches!(self, State::Closed | State::Rejected)
    }
}

crate::closed_set! {
    invalid = "error.choice";
    /// What can be done to a hazard.
    pub enum Action {
        /// Confirms the hazard and sets it to be rectified (by whom, by when).
        Accept = "accept",
        /// Refuses a report, with a reason.
        Reject = "reject",
        /// Hands the hazard to another department.
        Refer = "refer",
        /// Files the six-part rectification plan of a major hazard.
        SubmitPlan = "submit_plan",
        /// Lists a major hazard for supervision by the county (挂牌督办).
        List = "list",
        /// Reports the rectification done, asking for verification.
        Complete = "complete",
        /// Files the assessment of a listed hazard's rectification.
        SubmitAssessment = "submit_assessment",
        /// Applies to resume production after a listed hazard's assessment.
        ApplyResumption = "apply_resumption",
        /// Checks the rectification on site and closes the hazard (销号).
        Verify = "verify",
        /// Sends the hazard back for more rectification, with a reason.
        Return = "return",
    }
}

impl Action {
    /// Whether the action must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Reject | Action::Return | Action::Refer)
    }

    /// The unit's own steps: its plan, its rectification, its assessment and its application
    /// to resume. A supervisor may record them for a unit that does not sign in (most small
    /// units never will), and then records them on the unit's behalf.
    pub fn is_units_own(self) -> bool {
        matches!(
            self,
            Action::SubmitPlan
                | Action::Complete
                | Action::SubmitAssessment
                | Action::ApplyResumption
        )
    }
}

/// Whether `party` taking `action` records a unit's own step on its behalf (代录): the
/// timeline and the page say so.
pub fn on_behalf(action: Action, party: Party) -> bool {
    action.is_units_own() && party != Party::Unit
}

/// The part an account plays towards hazards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Party {
    /// Town stations and departments: accept, verify, return, refer.
    Supervisor,
    /// The county administration and committee office: supervisors who may also list.
    County,
    /// The unit's own safety manager.
    Unit,
    /// A village grid member: reports, reads what became of it.
    Village,
    /// Leaders and anyone else: read only.
    Reader,
}

impl Party {
    pub fn of(role: Role) -> Party {
        match role {
            Role::CountyAdmin | Role::CommitteeOffice => Party::County,
            Role::DepartmentStaff | Role::TownStaff => Party::Supervisor,
            Role::UnitManager => Party::Unit,
            Role::VillageMember => Party::Village,
            Role::Leader | Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => {
                Party::Reader
            }
        }
    }

    pub fn supervises(self) -> bool {
        matches!(self, Party::Supervisor | Party::County)
    }
}

/// What must hold besides the state and the party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guard {
    None,
    /// A major hazard must have its plan first.
    PlanIfMajor,
    MajorOnly,
    MajorNotListed,
    NotListed,
    ListedOnly,
}

/// Who takes part in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Supervisors,
    County,
    UnitOrSupervisors,
    /// Supervisors, but for a listed hazard only the body that listed it (the county).
    Reviewers,
}

struct Step {
    action: Action,
    from: &'static [State],
    /// `None`: the state stays.
    to: Option<State>,
    who: Who,
    guard: Guard,
}

use State::*;

/// The table.
const STEPS: [Step; 10] = [
    Step {
        action: Action::Accept,
        from: &[Reported],
        to: Some(Rectifying),
        who: Who::Supervisors,
        guard: Guard::PlanIfMajor,
    },
    Step {
        action: Action::Reject,
        from: &[Reported],
        to: Some(Rejected),
        who: Who::Supervisors,
        guard: Guard::None,
    },
    Step {
        action: Action::Refer,
        from: &[Reported],
        to: None,
        who: Who::Supervisors,
        guard: Guard::None,
    },
    Step {
        action: Action::SubmitPlan,
        from: &[Reported, Rectifying],
        to: None,
        who: Who::UnitOrSupervisors,
        guard: Guard::MajorOnly,
    },
    Step {
        action: Action::List,
        from: &[Reported, Rectifying],
        to: None,
        who: Who::County,
        guard: Guard::MajorNotListed,
    },
    Step {
        action: Action::Complete,
        from: &[Rectifying],
        to: Some(AwaitingVerification),
        who: Who::UnitOrSupervisors,
        guard: Guard::NotListed,
    },
    Step {
        action: Action::SubmitAssessment,
        from: &[Rectifying],
        to: Some(Assessed),
        who: Who::UnitOrSupervisors,
        guard: Guard::ListedOnly,
    },
    Step {
        action: Action::ApplyResumption,
        from: &[Assessed],
        to: Some(ResumptionApplied),
        who: Who::UnitOrSupervisors,
        guard: Guard::ListedOnly,
    },
    Step {
        action: Action::Verify,
        from: &[AwaitingVerification, ResumptionApplied],
        to: Some(Closed),
        who: Who::Reviewers,
        guard: Guard::None,
    },
    Step {
        action: Action::Return,
        from: &[AwaitingVerification, Assessed, ResumptionApplied],
        to: Some(Rectifying),
        who: Who::Reviewers,
        guard: Guard::None,
    },
];

/// What the decision looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: State,
    pub level: HazardLevel,
    /// Listed for supervision (挂牌督办). Only [`Party::County`] lists, so a listed hazard was
    /// listed by the county, and only the county reviews it.
    pub listed: bool,
    pub has_plan: bool,
    pub party: Party,
}

/// Why an action is refused: a message key (answered as 409 with the reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal(pub &'static str);

/// The state after `action`, or why it may not be taken.
pub fn decide(action: Action, facts: Facts) -> Result<State, Refusal> {
    let step = STEPS
        .iter()
        .find(|s| s.action == action)
        .ok_or(Refusal("hazard.refused.unknown_action"))?;
    let allowed = match step.who {
        Who::Supervisors => facts.party.supervises(),
        Who::County => facts.party == Party::County,
        Who::UnitOrSupervisors => facts.party.supervises() || facts.party == Party::Unit,
        Who::Reviewers => facts.party.supervises(),
    };
    if !allowed {
        return Err(Refusal("hazard.refused.role"));
    }
    if step.who == Who::Reviewers && facts.listed && facts.party != Party::County {
        return Err(Refusal("hazard.refused.listing_body"));
    }
    if !step.from.contains(&facts.state) {
        return Err(Refusal(if facts.state.is_open() {
            "hazard.refused.state"
        } else {
            "hazard.refused.finished"
        }));
    }
    let major = facts.level == HazardLevel::Major;
    match step.guard {
        Guard::None => {}
        Guard::PlanIfMajor if major && !facts.has_plan => {
            return Err(Refusal("hazard.refused.plan_required"));
        }
        Guard::PlanIfMajor => {}
        Guard::MajorOnly | Guard::MajorNotListed if !major => {
            return Err(Refusal("hazard.refused.major_only"));
        }
        Guard::MajorNotListed if facts.listed => {
            return Err(Refusal("hazard.refused.already_listed"));
        }
        // Once a plan is filed, only the unit revises it; a supervisor files one only for a
        // unit that has none.
        Guard::MajorOnly
            if action == Action::SubmitPlan && facts.has_plan && facts.party != Party::Unit =>
        {
            return Err(Refusal("hazard.refused.plan_filed"));
        }
        Guard::MajorOnly | Guard::MajorNotListed => {}
        Guard::NotListed if facts.listed => return Err(Refusal("hazard.refused.listed")),
        Guard::NotListed => {}
        Guard::ListedOnly if !facts.listed => return Err(Refusal("hazard.refused.not_listed")),
        Guard::ListedOnly => {}
    }
    Ok(step.to.unwrap_or(facts.state))
}

/// The actions open to a party now: what the page offers.
pub fn available(facts: Facts) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| decide(*a, facts).is_ok())
        .collect()
}

/// Where a new hazard starts: a unit's own finding or an inspector's is being rectified at
/// once; a report from a village or the public, and every major hazard, waits for the
/// supervisor.
pub fn initial_state(source: HazardSource, level: HazardLevel) -> State {
    match (source, level) {
        (_, HazardLevel::Major) => State::Reported,
        (HazardSource::SelfCheck | HazardSource::Inspection, HazardLevel::General) => {
            State::Rectifying
        }
        (HazardSource::VillageReport | HazardSource::PublicReport, HazardLevel::General) => {
            State::Reported
        }
    }
}

/// Which sources a party may report: a unit its own checks, a village member what the village
/// sees, supervisors anything.
pub fn may_report(party: Party, source: HazardSource) -> bool {
    match party {
        Party::Supervisor | Party::County => true,
        Party::Unit => source == HazardSource::SelfCheck,
        Party::Village => source == HazardSource::VillageReport,
        Party::Reader => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTIES: [Party; 5] = [
        Party::Supervisor,
        Party::County,
        Party::Unit,
        Party::Village,
        Party::Reader,
    ];

    /// The expected outcome written out independently of the table, rule by rule.
    fn expected(action: Action, f: Facts) -> Result<State, &'static str> {
        let sup = matches!(f.party, Party::Supervisor | Party::County);
        let unit_or_sup = sup || f.party == Party::Unit;
        let major = f.level == HazardLevel::Major;
        let finished = !f.state.is_open();
        let refuse_state = if finished {
            "hazard.refused.finished"
        } else {
            "hazard.refused.state"
        };
        match action {
            Action::Accept => {
                if !sup {
                    Err("hazard.refused.role")
                } else if f.state != Reported {
                    Err(refuse_state)
                } else if major && !f.has_plan {
                    Err("hazard.refused.plan_required")
                } else {
                    Ok(Rectifying)
                }
            }
            Action::Reject | Action::Refer => {
                if !sup {
                    Err("hazard.refused.role")
                } else if f.state != Reported {
                    Err(refuse_state)
                } else if action == Action::Reject {
                    Ok(Rejected)
                } else {
                    Ok(Reported)
                }
            }
            Action::SubmitPlan => {
                if !unit_or_sup {
                    Err("hazard.refused.role")
                } else if !matches!(f.state, Reported | Rectifying) {
                    Err(refuse_state)
                } else if !major {
                    Err("hazard.refused.major_only")
                } else if f.has_plan && f.party != Party::Unit {
                    Err("hazard.refused.plan_filed")
                } else {
                    Ok(f.state)
                }
            }
            Action::List => {
                if f.party != Party::County {
                    Err("hazard.refused.role")
                } else if !matches!(f.state, Reported | Rectifying) {
                    Err(refuse_state)
                } else if !major {
                    Err("hazard.refused.major_only")
                } else if f.listed {
                    Err("hazard.refused.already_listed")
                } else {
                    Ok(f.state)
                }
            }
            Action::Complete => {
                if !unit_or_sup {
                    Err("hazard.refused.role")
                } else if f.state != Rectifying {
                    Err(refuse_state)
                } else if f.listed {
                    Err("hazard.refused.listed")
                } else {
                    Ok(AwaitingVerification)
                }
            }
            Action::SubmitAssessment | Action::ApplyResumption => {
                let from = if action == Action::SubmitAssessment {
                    Rectifying
                } else {
                    Assessed
                };
                if !unit_or_sup {
                    Err("hazard.refused.role")
                } else if f.state != from {
                    Err(refuse_state)
                } else if !f.listed {
                    Err("hazard.refused.not_listed")
                } else if action == Action::SubmitAssessment {
                    Ok(Assessed)
                } else {
                    Ok(ResumptionApplied)
                }
            }
            Action::Verify => {
                if !sup {
                    Err("hazard.refused.role")
                } else if f.listed && f.party != Party::County {
                    Err("hazard.refused.listing_body")
                } else if !matches!(f.state, AwaitingVerification | ResumptionApplied) {
                    Err(refuse_state)
                } else {
                    Ok(Closed)
                }
            }
            Action::Return => {
                if !sup {
                    Err("hazard.refused.role")
                } else if f.listed && f.party != Party::County {
                    Err("hazard.refused.listing_body")
                } else if !matches!(f.state, AwaitingVerification | Assessed | ResumptionApplied) {
                    Err(refuse_state)
                } else {
                    Ok(Rectifying)
                }
            }
        }
    }

    #[test]
    fn every_action_state_party_and_fact() {
        let mut cases = 0;
        for action in Action::ALL {
            for state in State::ALL {
                for party in PARTIES {
                    for level in [HazardLevel::General, HazardLevel::Major] {
                        for listed in [false, true] {
                            for has_plan in [false, true] {
                                let f = Facts {
                                    state,
                                    level,
                                    listed,
                                    has_plan,
                                    party,
                                };
                                assert_eq!(
                                    decide(action, f).map_err(|r| r.0),
                                    expected(action, f),
                                    "{action:?} {f:?}"
                                );
                                cases += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 10 * 7 * 5 * 2 * 2 * 2);
    }

    #[test]
    fn nothing_moves_a_finished_hazard() {
        for state in [Closed, Rejected] {
            for party in PARTIES {
                let f = Facts {
                    state,
                    level: HazardLevel::Major,
                    listed: true,
                    has_plan: true,
                    party,
                };
                assert!(available(f).is_empty(), "{state:?} {party:?}");
            }
        }
    }

    #[test]
    fn the_whole_way_of_a_listed_major_hazard() {
        let mut f = Facts {
            state: initial_state(HazardSource::Inspection, HazardLevel::Major),
            level: HazardLevel::Major,
            listed: false,
            has_plan: false,
            party: Party::County,
        };
        assert_eq!(f.state, Reported);
        assert_eq!(
            decide(Action::Accept, f),
            Err(Refusal("hazard.refused.plan_required"))
        );
        f.state = decide(
            Action::SubmitPlan,
            Facts {
                party: Party::Unit,
                ..f
            },
        )
        .unwrap();
        f.has_plan = true;
        f.state = decide(Action::List, f).unwrap();
        f.listed = true;
        f.state = decide(Action::Accept, f).unwrap();
        assert_eq!(
            decide(Action::Complete, f),
            Err(Refusal("hazard.refused.listed"))
        );
        let unit = Facts {
            party: Party::Unit,
            ..f
        };
        f.state = decide(Action::SubmitAssessment, unit).unwrap();
        f.state = decide(
            Action::ApplyResumption,
            Facts {
                state: f.state,
                ..unit
            },
        )
        .unwrap();
        assert_eq!(
            decide(
                Action::Verify,
                Facts {
                    state: f.state,
                    ..unit
                }
            ),
            Err(Refusal("hazard.refused.role"))
        );
        assert_eq!(decide(Action::Verify, f), Ok(Closed));
    }

    #[test]
    fn where_hazards_start_and_who_reports_them() {
        use HazardSource::*;
        assert_eq!(initial_state(SelfCheck, HazardLevel::General), Rectifying);
        assert_eq!(initial_state(Inspection, HazardLevel::General), Rectifying);
        assert_eq!(initial_state(VillageReport, HazardLevel::General), Reported);
        assert_eq!(initial_state(PublicReport, HazardLevel::General), Reported);
        assert_eq!(initial_state(SelfCheck, HazardLevel::Major), Reported);
        assert!(may_report(Party::Unit, SelfCheck) && !may_report(Party::Unit, Inspection));
        assert!(
            may_report(Party::Village, VillageReport) && !may_report(Party::Village, PublicReport)
        );
        assert!(
            HazardSource::ALL
                .iter()
                .all(|s| may_report(Party::Supervisor, *s))
        );
        assert!(
            HazardSource::ALL
                .iter()
                .all(|s| !may_report(Party::Reader, *s))
        );
    }

    /// Verifying and closing, and returning, at the review step, for every role: written out
    /// per role so the listed rule is seen at a glance. Columns: verify an unlisted hazard
    /// awaiting verification, verify a listed hazard whose unit applied to resume, return a
    /// listed hazard (assessed), return an unlisted hazard awaiting verification.
    #[test]
    fn only_the_listing_body_reviews_a_listed_hazard() {
        use crate::access::Role;
        const REFUSED: Result<State, &str> = Err("hazard.refused.role");
        const NOT_LISTER: Result<State, &str> = Err("hazard.refused.listing_body");
        let expected: [(Role, [Result<State, &str>; 4]); 10] = [
            (
                Role::CountyAdmin,
                [Ok(Closed), Ok(Closed), Ok(Rectifying), Ok(Rectifying)],
            ),
            (
                Role::CommitteeOffice,
                [Ok(Closed), Ok(Closed), Ok(Rectifying), Ok(Rectifying)],
            ),
            (
                Role::TownStaff,
                [Ok(Closed), NOT_LISTER, NOT_LISTER, Ok(Rectifying)],
            ),
            (
                Role::DepartmentStaff,
                [Ok(Closed), NOT_LISTER, NOT_LISTER, Ok(Rectifying)],
            ),
            (Role::UnitManager, [REFUSED; 4]),
            (Role::VillageMember, [REFUSED; 4]),
            (Role::Leader, [REFUSED; 4]),
            (Role::SystemAdmin, [REFUSED; 4]),
            (Role::SecurityAdmin, [REFUSED; 4]),
            (Role::AuditAdmin, [REFUSED; 4]),
        ];
        assert_eq!(expected.len(), Role::ALL.len());
        for (
            role,
            [
                unlisted_verify,
                listed_verify,
                listed_return,
                unlisted_return,
            ],
        ) in expected
        {
            let facts = |state, listed| Facts {
                state,
                level: HazardLevel::Major,
                listed,
                has_plan: true,
                party: Party::of(role),
            };
            let got = |action, state, listed| decide(action, facts(state, listed)).map_err(|r| r.0);
            assert_eq!(
                got(Action::Verify, AwaitingVerification, false),
                unlisted_verify,
                "{role:?}"
            );
            assert_eq!(
                got(Action::Verify, ResumptionApplied, true),
                listed_verify,
                "{role:?}"
            );
            assert_eq!(
                got(Action::Return, Assessed, true),
                listed_return,
                "{role:?}"
            );
            assert_eq!(
                got(Action::Return, ResumptionApplied, true),
                listed_return,
                "{role:?}"
            );
            assert_eq!(
                got(Action::Return, AwaitingVerification, false),
                unlisted_return,
                "{role:?}"
            );
            // A general hazard, never listed, keeps today's rule.
            let general = Facts {
                level: HazardLevel::General,
                ..facts(AwaitingVerification, false)
            };
            assert_eq!(
                decide(Action::Verify, general).map_err(|r| r.0),
                unlisted_verify
            );
        }
        // The town does not see verify or return offered on the county's listed hazard.
        let town = Facts {
            state: ResumptionApplied,
            level: HazardLevel::Major,
            listed: true,
            has_plan: true,
            party: Party::Supervisor,
        };
        assert!(available(town).is_empty());
        let county = Facts {
            party: Party::County,
            ..town
        };
        assert_eq!(available(county), [Action::Verify, Action::Return]);
    }

    #[test]
    fn a_supervisor_records_the_units_own_steps_on_its_behalf() {
        for action in Action::ALL {
            let own = matches!(
                action,
                Action::SubmitPlan
                    | Action::Complete
                    | Action::SubmitAssessment
                    | Action::ApplyResumption
            );
            assert_eq!(on_behalf(action, Party::Unit), false, "{action:?}");
            assert_eq!(on_behalf(action, Party::Supervisor), own, "{action:?}");
            assert_eq!(on_behalf(action, Party::County), own, "{action:?}");
        }
    }

    #[test]
    fn only_the_unit_revises_a_filed_plan() {
        let facts = |party, has_plan| Facts {
            state: Reported,
            level: HazardLevel::Major,
            listed: false,
            has_plan,
            party,
        };
        assert!(decide(Action::SubmitPlan, facts(Party::County, false)).is_ok());
        assert_eq!(
            decide(Action::SubmitPlan, facts(Party::County, true)),
            Err(Refusal("hazard.refused.plan_filed"))
        );
        assert!(!available(facts(Party::Supervisor, true)).contains(&Action::SubmitPlan));
        assert!(decide(Action::SubmitPlan, facts(Party::Unit, true)).is_ok());
    }
}
