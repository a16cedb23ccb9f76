//! Writes the staff lists the browser tests import (`e2e/fixtures/staff.*`): 60 rows as a school
//! keeps them, with 2 bad rows (no name; a department the register lacks) and 1 name repeated,
//! as `.xlsx`, as UTF-8 `.csv` with a byte-order mark, and as GBK `.csv` as WPS writes it.
//! Usage: cargo run --example staff_list -- e2e/fixtures

const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
const GIVEN: [&str; 10] = ["建国", "秀英", "志强", "丽华", "海燕", "国平", "春梅", "晓东", "玉兰", "明亮"];
const DEPARTMENTS: [&str; 5] = ["教务处", "总务处", "财务室", "食堂", "办公室"];

fn rows() -> Vec<[String; 6]> {
    let mut rows = vec![["序号", "姓名", "部门", "岗位", "职务", "政治面貌"].map(String::from)];
    for n in 0..60 {
        let name = format!("{}{}", SURNAMES[n % 12], GIVEN[(n / 12 + n) % 10]);
        let department = DEPARTMENTS[n % 5];
        let post = if n % 3 == 0 { "任课教师" } else { "" };
        let party = if n % 4 == 0 { "中共党员" } else { "群众" };
        rows.push([(n + 1).to_string(), name, department.into(), post.into(), String::new(), party.into()]);
    }
    rows[10][1] = String::new(); // no name
    rows[20][2] = "后勤处".into(); // no such department
    rows[30][1] = rows[5][1].clone(); // the same person twice
    rows
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "e2e/fixtures".into());
    let rows = rows();
    let csv: String = rows.iter().map(|r| r.join(",") + "\r\n").collect();
    let mut utf8 = b"\xEF\xBB\xBF".to_vec();
    utf8.extend_from_slice(csv.as_bytes());
    std::fs::write(format!("{dir}/staff-utf8.csv"), utf8).expect("write csv");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    std::fs::write(format!("{dir}/staff-gbk.csv"), gbk).expect("write gbk csv");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell).expect("cell");
        }
    }
    book.save(format!("{dir}/staff.xlsx")).expect("write xlsx");
}
