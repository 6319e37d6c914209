//! The organisation of supervision: grid kinds and levels (四级网格), posts (岗位) and the
//! staffing each kind of grid needs (R-GRID-1..7, R-PRIN-2).

pub mod input;

use crate::invalid::Violation;
use serde::Serialize;

crate::closed_set! {
    invalid = "error.grid_kind";
    /// The kinds of grid the county plan sets up.
    pub enum GridKind {
        /// Level 1: the county government and its safety committee (一级网格).
        County = "county",
        /// Level 1: a county department's supervision grid for one town (行业监管网格, R-GRID-5).
        DepartmentTown = "department_town",
        /// Level 2: a town government (二级网格).
        Town = "town",
        /// Level 2: a town's responsibility zone covering one village (安全管理责任区, R-GRID-6).
        TownZone = "town_zone",
        /// Level 2: an industrial or agricultural park area (园区).
        Park = "park",
        /// Level 3: a village or community committee (三级网格, R-GRID-7).
        Village = "village",
    }
}

impl GridKind {
    /// The grid level (一级 … 三级) of this kind.
    pub fn level(self) -> i32 {
        match self {
            Self::County | Self::DepartmentTown => 1,
            Self::Town | Self::TownZone | Self::Park => 2,
            Self::Village => 3,
        }
    }

    /// Whether grids of this kind belong to a department (the vertical "strip", 条).
    pub fn belongs_to_department(self) -> bool {
        matches!(self, Self::DepartmentTown)
    }
}

crate::closed_set! {
    invalid = "error.post_kind";
    /// The posts people hold in grids.
    pub enum PostKind {
        /// 第一责任人: the head of the government or committee.
        FirstResponsible = "first_responsible",
        /// 分管领导: the leader in charge.
        LeaderInCharge = "leader_in_charge",
        /// 安全监管责任人: a department's supervisor for the grid.
        Supervisor = "supervisor",
        /// 安监站站长: the head of the town's safety station.
        StationHead = "station_head",
        /// 包村站所长: the town station chief assigned to the village.
        StationChief = "station_chief",
        /// 安全检查员: the safety inspector of a zone.
        SafetyInspector = "safety_inspector",
        /// 网格长: the head of a village grid.
        GridHead = "grid_head",
        /// 网格员: a village grid member.
        GridMember = "grid_member",
        /// 联络员: a liaison (optional in every grid).
        Liaison = "liaison",
    }
}

/// How many people a post must and may hold at once in a kind of grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PostRule {
    pub post: PostKind,
    /// People required for the grid to count as staffed.
    pub required: i32,
    /// Seats: the most people who can hold the post at once.
    pub seats: i32,
}

const fn rule(post: PostKind, required: i32, seats: i32) -> PostRule {
    PostRule {
        post,
        required,
        seats,
    }
}

/// The posts every grid of a kind is created with, and the staffing it needs.
///
/// From the county plan: a department grid has 1 leader in charge and 2 supervisors (R-GRID-5);
/// a town zone has 1 leader, the station chief assigned to the village and a safety inspector
/// (R-GRID-6); a village names its responsible people (R-GRID-7). The county and town
/// governments are headed by their first responsible person with leaders in charge (R-GRID-1/2).
pub fn default_posts(kind: GridKind) -> &'static [PostRule] {
    use PostKind::*;
    const COUNTY: &[PostRule] = &[rule(FirstResponsible, 1, 1), rule(LeaderInCharge, 1, 8)];
    const DEPARTMENT_TOWN: &[PostRule] = &[rule(LeaderInCharge, 1, 1), rule(Supervisor, 2, 2)];
    const TOWN: &[PostRule] = &[
        rule(FirstResponsible, 1, 1),
        rule(LeaderInCharge, 1, 1),
        rule(StationHead, 1, 1),
    ];
    const TOWN_ZONE: &[PostRule] = &[
        rule(LeaderInCharge, 1, 1),
        rule(StationChief, 1, 1),
        rule(SafetyInspector, 1, 1),
    ];
    const PARK: &[PostRule] = &[rule(LeaderInCharge, 1, 1), rule(Supervisor, 1, 2)];
    const VILLAGE: &[PostRule] = &[rule(GridHead, 1, 1), rule(GridMember, 1, 6)];
    match kind {
        GridKind::County => COUNTY,
        GridKind::DepartmentTown => DEPARTMENT_TOWN,
        GridKind::Town => TOWN,
        GridKind::TownZone => TOWN_ZONE,
        GridKind::Park => PARK,
        GridKind::Village => VILLAGE,
    }
}

/// A post as it stands: how many it needs, how many seats, how many hold it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostStaffing {
    pub post: PostKind,
    pub required: i32,
    pub seats: i32,
    pub holders: i32,
}

/// One way a grid falls short of its staffing rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffingGap {
    pub post: PostKind,
    pub required: i32,
    pub holders: i32,
}

/// The gaps of a grid: every post with fewer current holders than it requires.
pub fn staffing_gaps(posts: &[PostStaffing]) -> Vec<StaffingGap> {
    posts
        .iter()
        .filter(|p| p.holders < p.required)
        .map(|p| StaffingGap {
            post: p.post,
            required: p.required,
            holders: p.holders,
        })
        .collect()
}

/// Whether one more person can take the post without exceeding its seats.
pub fn check_seat_free(post: &PostStaffing) -> Result<(), Violation> {
    if post.holders >= post.seats {
        Err(Violation::new("person_id", "error.post_full").with("seats", post.seats))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staffing(kind: GridKind, holders: &[i32]) -> Vec<PostStaffing> {
        default_posts(kind)
            .iter()
            .zip(holders)
            .map(|(r, &h)| PostStaffing {
                post: r.post,
                required: r.required,
                seats: r.seats,
                holders: h,
            })
            .collect()
    }

    #[test]
    fn department_grid_needs_one_leader_and_two_supervisors() {
        assert!(staffing_gaps(&staffing(GridKind::DepartmentTown, &[1, 2])).is_empty());
        assert_eq!(
            staffing_gaps(&staffing(GridKind::DepartmentTown, &[1, 1])),
            vec![StaffingGap {
                post: PostKind::Supervisor,
                required: 2,
                holders: 1
            }]
        );
        assert_eq!(
            staffing_gaps(&staffing(GridKind::DepartmentTown, &[0, 0])).len(),
            2
        );
    }

    #[test]
    fn town_zone_needs_leader_station_chief_and_inspector() {
        let posts: Vec<PostKind> = default_posts(GridKind::TownZone)
            .iter()
            .map(|r| r.post)
            .collect();
        assert_eq!(
            posts,
            [
                PostKind::LeaderInCharge,
                PostKind::StationChief,
                PostKind::SafetyInspector
            ]
        );
        assert!(staffing_gaps(&staffing(GridKind::TownZone, &[1, 1, 1])).is_empty());
        assert_eq!(
            staffing_gaps(&staffing(GridKind::TownZone, &[1, 1, 0])),
            vec![StaffingGap {
                post: PostKind::SafetyInspector,
                required: 1,
                holders: 0
            }]
        );
    }

    #[test]
    fn every_kind_requires_someone_and_rules_are_consistent() {
        for kind in GridKind::ALL {
            let rules = default_posts(kind);
            assert!(rules.iter().any(|r| r.required > 0), "{kind:?}");
            assert!(
                rules.iter().all(|r| r.seats >= r.required && r.seats >= 1),
                "{kind:?}"
            );
            assert_eq!(GridKind::parse("kind", kind.as_str()), Ok(kind));
        }
        for post in PostKind::ALL {
            assert_eq!(PostKind::parse("post", post.as_str()), Ok(post));
        }
    }

    #[test]
    fn single_seat_posts_take_one_holder() {
        let leader = PostStaffing {
            post: PostKind::LeaderInCharge,
            required: 1,
            seats: 1,
            holders: 0,
        };
        assert!(check_seat_free(&leader).is_ok());
        let taken = PostStaffing {
            holders: 1,
            ..leader
        };
        assert_eq!(
            check_seat_free(&taken).map_err(|v| v.key),
            Err("error.post_full")
        );
    }

    #[test]
    fn levels_follow_the_plan() {
        assert_eq!(GridKind::County.level(), 1);
        assert_eq!(GridKind::DepartmentTown.level(), 1);
        assert_eq!(GridKind::Town.level(), 2);
        assert_eq!(GridKind::Park.level(), 2);
        assert_eq!(GridKind::Village.level(), 3);
    }
}
