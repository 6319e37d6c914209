//! Industries by GB/T 4754-2017 (国民经济行业分类): the 20 sections (门类) and 97 divisions
//! (大类) as data. A unit records the most precise code known (a division's two digits, or a
//! group's three or a class's four); the division is its first two digits.

use crate::invalid::Violation;

/// A section: letter, Chinese name, English name, first and last division.
pub const SECTIONS: &[(&str, &str, &str, u8, u8)] = &[
    (
        "A",
        "农、林、牧、渔业",
        "Agriculture, forestry, animal husbandry and fishery",
        1,
        5,
    ),
    ("B", "采矿业", "Mining", 6, 12),
    ("C", "制造业", "Manufacturing", 13, 43),
    (
        "D",
        "电力、热力、燃气及水生产和供应业",
        "Electricity, heat, gas and water supply",
        44,
        46,
    ),
    ("E", "建筑业", "Construction", 47, 50),
    ("F", "批发和零售业", "Wholesale and retail trade", 51, 52),
    (
        "G",
        "交通运输、仓储和邮政业",
        "Transport, storage and post",
        53,
        60,
    ),
    ("H", "住宿和餐饮业", "Accommodation and catering", 61, 62),
    (
        "I",
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and IT services",
        63,
        65,
    ),
    ("J", "金融业", "Finance", 66, 69),
    ("K", "房地产业", "Real estate", 70, 70),
    (
        "L",
        "租赁和商务服务业",
        "Leasing and business services",
        71,
        72,
    ),
    (
        "M",
        "科学研究和技术服务业",
        "Scientific research and technical services",
        73,
        75,
    ),
    (
        "N",
        "水利、环境和公共设施管理业",
        "Water conservancy, environment and public facilities",
        76,
        79,
    ),
    (
        "O",
        "居民服务、修理和其他服务业",
        "Resident services, repair and other services",
        80,
        82,
    ),
    ("P", "教育", "Education", 83, 83),
    ("Q", "卫生和社会工作", "Health and social work", 84, 85),
    (
        "R",
        "文化、体育和娱乐业",
        "Culture, sports and entertainment",
        86,
        90,
    ),
    (
        "S",
        "公共管理、社会保障和社会组织",
        "Public administration, social security and social organisations",
        91,
        96,
    ),
    ("T", "国际组织", "International organisations", 97, 97),
];

/// The divisions: two-digit code, Chinese name, English name.
pub const DIVISIONS: &[(&str, &str, &str)] = &[
    ("01", "农业", "Agriculture"),
    ("02", "林业", "Forestry"),
    ("03", "畜牧业", "Animal husbandry"),
    ("04", "渔业", "Fishery"),
    (
        "05",
        "农、林、牧、渔专业及辅助性活动",
        "Support activities for agriculture, forestry, husbandry and fishery",
    ),
    ("06", "煤炭开采和洗选业", "Coal mining and washing"),
    (
        "07",
        "石油和天然气开采业",
        "Extraction of petroleum and natural gas",
    ),
    ("08", "黑色金属矿采选业", "Mining of ferrous metal ores"),
    ("09", "有色金属矿采选业", "Mining of non-ferrous metal ores"),
    ("10", "非金属矿采选业", "Mining of non-metallic minerals"),
    (
        "11",
        "开采专业及辅助性活动",
        "Support activities for mining",
    ),
    ("12", "其他采矿业", "Other mining"),
    (
        "13",
        "农副食品加工业",
        "Processing of food from agricultural products",
    ),
    ("14", "食品制造业", "Manufacture of foods"),
    (
        "15",
        "酒、饮料和精制茶制造业",
        "Manufacture of liquor, beverages and refined tea",
    ),
    ("16", "烟草制品业", "Manufacture of tobacco"),
    ("17", "纺织业", "Manufacture of textiles"),
    (
        "18",
        "纺织服装、服饰业",
        "Manufacture of textile wearing apparel",
    ),
    (
        "19",
        "皮革、毛皮、羽毛及其制品和制鞋业",
        "Leather, fur, feather and footwear",
    ),
    (
        "20",
        "木材加工和木、竹、藤、棕、草制品业",
        "Wood, bamboo, rattan, palm and straw products",
    ),
    ("21", "家具制造业", "Manufacture of furniture"),
    ("22", "造纸和纸制品业", "Paper and paper products"),
    (
        "23",
        "印刷和记录媒介复制业",
        "Printing and reproduction of recording media",
    ),
    (
        "24",
        "文教、工美、体育和娱乐用品制造业",
        "Articles for culture, education, arts, sports and entertainment",
    ),
    (
        "25",
        "石油、煤炭及其他燃料加工业",
        "Processing of petroleum, coal and other fuels",
    ),
    (
        "26",
        "化学原料和化学制品制造业",
        "Chemical raw materials and chemical products",
    ),
    ("27", "医药制造业", "Manufacture of medicines"),
    ("28", "化学纤维制造业", "Manufacture of chemical fibres"),
    ("29", "橡胶和塑料制品业", "Rubber and plastics products"),
    ("30", "非金属矿物制品业", "Non-metallic mineral products"),
    (
        "31",
        "黑色金属冶炼和压延加工业",
        "Smelting and pressing of ferrous metals",
    ),
    (
        "32",
        "有色金属冶炼和压延加工业",
        "Smelting and pressing of non-ferrous metals",
    ),
    ("33", "金属制品业", "Metal products"),
    ("34", "通用设备制造业", "General-purpose machinery"),
    ("35", "专用设备制造业", "Special-purpose machinery"),
    ("36", "汽车制造业", "Motor vehicles"),
    (
        "37",
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Railway, ship, aerospace and other transport equipment",
    ),
    (
        "38",
        "电气机械和器材制造业",
        "Electrical machinery and equipment",
    ),
    (
        "39",
        "计算机、通信和其他电子设备制造业",
        "Computers, communication and other electronic equipment",
    ),
    ("40", "仪器仪表制造业", "Measuring instruments and meters"),
    ("41", "其他制造业", "Other manufacturing"),
    ("42", "废弃资源综合利用业", "Recycling of waste resources"),
    (
        "43",
        "金属制品、机械和设备修理业",
        "Repair of metal products, machinery and equipment",
    ),
    (
        "44",
        "电力、热力生产和供应业",
        "Production and supply of electricity and heat",
    ),
    ("45", "燃气生产和供应业", "Production and supply of gas"),
    ("46", "水的生产和供应业", "Production and supply of water"),
    ("47", "房屋建筑业", "Construction of buildings"),
    ("48", "土木工程建筑业", "Civil engineering"),
    ("49", "建筑安装业", "Installation"),
    (
        "50",
        "建筑装饰、装修和其他建筑业",
        "Building decoration and other construction",
    ),
    ("51", "批发业", "Wholesale trade"),
    ("52", "零售业", "Retail trade"),
    ("53", "铁路运输业", "Rail transport"),
    ("54", "道路运输业", "Road transport"),
    ("55", "水上运输业", "Water transport"),
    ("56", "航空运输业", "Air transport"),
    ("57", "管道运输业", "Pipeline transport"),
    (
        "58",
        "多式联运和运输代理业",
        "Multimodal transport and transport agencies",
    ),
    ("59", "装卸搬运和仓储业", "Handling and warehousing"),
    ("60", "邮政业", "Postal services"),
    ("61", "住宿业", "Accommodation"),
    ("62", "餐饮业", "Catering"),
    (
        "63",
        "电信、广播电视和卫星传输服务",
        "Telecommunications, broadcasting and satellite transmission",
    ),
    ("64", "互联网和相关服务", "Internet and related services"),
    (
        "65",
        "软件和信息技术服务业",
        "Software and information technology services",
    ),
    ("66", "货币金融服务", "Monetary and financial services"),
    ("67", "资本市场服务", "Capital market services"),
    ("68", "保险业", "Insurance"),
    ("69", "其他金融业", "Other financial services"),
    ("70", "房地产业", "Real estate"),
    ("71", "租赁业", "Leasing"),
    ("72", "商务服务业", "Business services"),
    (
        "73",
        "研究和试验发展",
        "Research and experimental development",
    ),
    ("74", "专业技术服务业", "Professional technical services"),
    (
        "75",
        "科技推广和应用服务业",
        "Technology promotion and application services",
    ),
    ("76", "水利管理业", "Water conservancy management"),
    (
        "77",
        "生态保护和环境治理业",
        "Ecological protection and environmental management",
    ),
    ("78", "公共设施管理业", "Public facilities management"),
    ("79", "土地管理业", "Land management"),
    ("80", "居民服务业", "Resident services"),
    (
        "81",
        "机动车、电子产品和日用产品修理业",
        "Repair of motor vehicles, electronics and household goods",
    ),
    ("82", "其他服务业", "Other services"),
    ("83", "教育", "Education"),
    ("84", "卫生", "Health"),
    ("85", "社会工作", "Social work"),
    ("86", "新闻和出版业", "News and publishing"),
    (
        "87",
        "广播、电视、电影和录音制作业",
        "Radio, television, film and sound recording",
    ),
    ("88", "文化艺术业", "Culture and arts"),
    ("89", "体育", "Sports"),
    ("90", "娱乐业", "Entertainment"),
    (
        "91",
        "中国共产党机关",
        "Organs of the Communist Party of China",
    ),
    ("92", "国家机构", "State organs"),
    ("93", "人民政协、民主党派", "CPPCC and democratic parties"),
    ("94", "社会保障", "Social security"),
    (
        "95",
        "群众团体、社会团体和其他成员组织",
        "Mass organisations, social groups and other membership organisations",
    ),
    (
        "96",
        "基层群众自治组织及其他组织",
        "Grassroots self-governing and other organisations",
    ),
    ("97", "国际组织", "International organisations"),
];

/// The division (two digits) of an industry code, if the code is one GB/T 4754 knows:
/// a division, or a group (3 digits) or class (4 digits) within one.
pub fn division_of(code: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    let code = code.trim();
    if !(2..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    DIVISIONS.iter().find(|d| d.0 == &code[..2])
}

/// The section a division belongs to.
pub fn section_of(
    division: &str,
) -> Option<&'static (&'static str, &'static str, &'static str, u8, u8)> {
    let n: u8 = division.get(..2)?.parse().ok()?;
    SECTIONS.iter().find(|s| (s.3..=s.4).contains(&n))
}

/// Checks an industry code as typed (`C26`, `26`, `2614` are all accepted: a leading section
/// letter is dropped when it matches).
pub fn parse_industry(field: &str, raw: &str) -> Result<String, Violation> {
    let code = raw.trim().to_ascii_uppercase();
    let digits = match code.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => {
            let rest = &code[1..];
            match section_of(rest) {
                Some(s) if s.0.starts_with(c) => rest.to_owned(),
                _ => return Err(Violation::new(field, "error.industry")),
            }
        }
        _ => code,
    };
    division_of(&digits)
        .map(|_| digits.clone())
        .ok_or_else(|| Violation::new(field, "error.industry"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_cover_every_division_once() {
        assert_eq!(SECTIONS.len(), 20);
        assert_eq!(DIVISIONS.len(), 97);
        for (i, d) in DIVISIONS.iter().enumerate() {
            assert_eq!(
                d.0,
                format!("{:02}", i + 1),
                "divisions run 01–97 without a gap"
            );
            let n: u8 = d.0.parse().unwrap();
            assert_eq!(
                SECTIONS.iter().filter(|s| (s.3..=s.4).contains(&n)).count(),
                1,
                "{}",
                d.0
            );
        }
        let mut next = 1;
        for s in SECTIONS {
            assert_eq!(s.3, next, "section {} starts where the last ended", s.0);
            next = s.4 + 1;
        }
    }

    #[test]
    fn codes_as_typed() {
        assert_eq!(parse_industry("i", "26").as_deref(), Ok("26"));
        assert_eq!(parse_industry("i", "c2614").as_deref(), Ok("2614"));
        assert_eq!(parse_industry("i", " 4813 ").as_deref(), Ok("4813"));
        assert!(parse_industry("i", "B26").is_err(), "26 is in section C");
        assert!(parse_industry("i", "98").is_err());
        assert!(parse_industry("i", "2").is_err());
        assert_eq!(section_of("26").map(|s| s.0), Some("C"));
        assert_eq!(section_of("70").map(|s| s.0), Some("K"));
    }
}
