//! Reading a town's census file as people write it: a village by its name (with or without
//! its town), a department by its name, short name or the name it had before the 2018 reform
//! (县安监局 is today's 县应急管理局), and the closing 合计 row that is not a unit.

/// Departments that were renamed or merged in the 2018 institutional reform: each group names
/// one department, old names and common short forms included. A file may use any of them.
pub const DEPARTMENT_ALIASES: &[&[&str]] = &[
    &[
        "县应急管理局",
        "县应急局",
        "县安全生产监督管理局",
        "县安全监管局",
        "县安监局",
    ],
    &[
        "县市场监督管理局",
        "县市场监管局",
        "县工商行政管理局",
        "县工商局",
        "县食品药品监督管理局",
        "县食药监局",
        "县质量技术监督局",
        "县质监局",
    ],
    &["县自然资源局", "县国土资源局", "县国土局"],
    &["县住房和城乡建设局", "县住建局", "县建设局"],
    &["县农业农村局", "县农业局"],
    &[
        "县文化和旅游广电局",
        "县文化和旅游局",
        "县文旅局",
        "县文广局",
        "县旅游局",
    ],
    &["县卫生健康局", "县卫健局", "县卫生和计划生育局", "县卫计局"],
    &["县消防救援大队", "县消防大队", "县公安消防大队"],
    &["县交通运输局", "县交通局"],
    &["县工业和信息化局", "县工信局", "县经济贸易局", "县经贸局"],
    &["县水利局", "县水务局"],
];

/// Whether a department written in a file is the department with this name and short name:
/// the same name, or two names of one department in [`DEPARTMENT_ALIASES`].
pub fn is_department(written: &str, name: &str, short_name: &str) -> bool {
    let written = written.trim();
    if written == name || written == short_name {
        return true;
    }
    DEPARTMENT_ALIASES.iter().any(|group| {
        group.contains(&written) && (group.contains(&name) || group.contains(&short_name))
    })
}

/// Whether a row is a closing total (合计, 总计, 小计, however spaced) rather than a unit: its
/// first filled cell says so.
pub fn is_total_row(cells: &[String]) -> bool {
    let first: Option<String> = cells
        .iter()
        .map(|c| {
            c.chars()
                .filter(|ch| !ch.is_whitespace())
                .collect::<String>()
        })
        .find(|c| !c.is_empty());
    matches!(
        first.as_deref(),
        Some("合计" | "总计" | "小计" | "合计：" | "合计:")
    )
}

/// A village of the importing account's scope: its code, its name and its town's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Village {
    pub code: String,
    pub name: String,
    pub town: String,
}

/// Why a village written in a file was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VillageMiss {
    /// No village of the scope has that name or code.
    Unknown,
    /// Several have that name: the town must be written too (城关镇新星村).
    Ambiguous,
}

/// The village a file means: its 12-digit code, its name (新星村), or its town and name
/// (城关镇新星村, 城关镇 新星村, 城关镇·新星村, 城关镇/新星村).
pub fn find_village<'a>(
    written: &str,
    villages: &'a [Village],
) -> Result<&'a Village, VillageMiss> {
    let plain: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '/' | '-' | '—' | '、'))
        .collect();
    let by_code = villages.iter().find(|v| v.code == plain);
    if let Some(v) = by_code {
        return Ok(v);
    }
    let with_town: Vec<&Village> = villages
        .iter()
        .filter(|v| plain == format!("{}{}", v.town, v.name))
        .collect();
    let found: Vec<&Village> = if with_town.is_empty() {
        villages.iter().filter(|v| v.name == plain).collect()
    } else {
        with_town
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(VillageMiss::Unknown),
        _ => Err(VillageMiss::Ambiguous),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn village(code: &str, name: &str, town: &str) -> Village {
        Village {
            code: code.into(),
            name: name.into(),
            town: town.into(),
        }
    }

    #[test]
    fn a_department_is_found_by_its_name_short_name_or_former_name() {
        let (name, short) = ("县安全生产监督管理局", "县安监局");
        for written in [
            "县安全生产监督管理局",
            "县安监局",
            "县应急管理局",
            " 县应急局 ",
        ] {
            assert!(is_department(written, name, short), "{written}");
        }
        assert!(is_department(
            "县工商局",
            "县市场监督管理局",
            "县市场监管局"
        ));
        assert!(!is_department("县住建局", name, short));
        assert!(!is_department(
            "县应急管理局",
            "县住房和城乡建设局",
            "县住建局"
        ));
    }

    #[test]
    fn a_closing_total_row_is_not_a_unit() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        assert!(is_total_row(&row(&["合计", "", "37"])));
        assert!(is_total_row(&row(&["", "合 计", "37"])));
        assert!(is_total_row(&row(&["总计"])));
        assert!(!is_total_row(&row(&["合计五金店", "城关镇"])));
        assert!(!is_total_row(&row(&["汉阴县惠民超市", "合计"])));
    }

    #[test]
    fn a_village_is_found_by_code_name_or_town_and_name() {
        let villages = [
            village("610921100202", "新星村", "城关镇"),
            village("610921101203", "新星村", "涧池镇"),
            village("610921100201", "太平村", "城关镇"),
        ];
        let code = |w: &str| find_village(w, &villages).map(|v| v.code.as_str());
        assert_eq!(code("太平村"), Ok("610921100201"));
        assert_eq!(code("610921100202"), Ok("610921100202"));
        assert_eq!(code("城关镇新星村"), Ok("610921100202"));
        assert_eq!(code("涧池镇 新星村"), Ok("610921101203"));
        assert_eq!(code("涧池镇·新星村"), Ok("610921101203"));
        assert_eq!(code("新星村"), Err(VillageMiss::Ambiguous));
        assert_eq!(code("石泉村"), Err(VillageMiss::Unknown));
        assert_eq!(code("610921999999"), Err(VillageMiss::Unknown));
    }
}
