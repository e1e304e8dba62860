//! Logging configuration files in XML (logback, log4j 1 and 2, NLog): where an appender or
//! target writes to a file. Only the tags are looked at; the files are small and their shape
//! is fixed by each library.

use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

pub use crate::walk::is_xml_log_config;

static FILE_APPENDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)<appender\b[^>]*\bclass\s*=\s*"([^"]*(?:FileAppender|RollingFileAppender|DailyRollingFileAppender|SyslogAppender))"|<(RollingRandomAccessFile|RollingFile|RandomAccessFile|File|Syslog)\b[^>]*\b(?:fileName|filePattern|host)\s*=|<target\b[^>]*\bxsi:type\s*=\s*"(File)""#,
    )
    .expect("valid pattern")
});

static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("valid pattern"));

/// Appenders and targets that write logs to a file or syslog: (span of the class or tag name,
/// what it is). Commented-out XML is left out.
pub fn xml_file_appenders(text: &str) -> Vec<(Span, String)> {
    let comments: Vec<std::ops::Range<usize>> =
        COMMENT.find_iter(text).map(|m| m.range()).collect();
    let mut out = Vec::new();
    for c in FILE_APPENDER.captures_iter(text) {
        let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)) else {
            continue;
        };
        if comments.iter().any(|r| r.contains(&m.start())) {
            continue;
        }
        let what = m.as_str().rsplit('.').next().unwrap_or(m.as_str());
        out.push((m.range(), what.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logback_log4j2_and_nlog_file_appenders() {
        let logback = r#"<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender"/>
  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>/var/log/app.log</file>
  </appender>
  <!-- <appender name="OLD" class="ch.qos.logback.core.FileAppender"/> -->
</configuration>"#;
        let got: Vec<String> = xml_file_appenders(logback)
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(got, ["RollingFileAppender"]);
        let log4j2 = r#"<Configuration><Appenders><Console name="c"/><RollingFile name="r" fileName="logs/app.log" filePattern="logs/app-%d.log"/></Appenders></Configuration>"#;
        let got: Vec<(Span, String)> = xml_file_appenders(log4j2);
        assert_eq!(got.len(), 1);
        assert_eq!(log4j2.get(got[0].0.clone()), Some("RollingFile"));
        let nlog = r#"<nlog><targets><target xsi:type="File" name="f" fileName="x.log"/><target xsi:type="Console" name="c"/></targets></nlog>"#;
        assert_eq!(xml_file_appenders(nlog).len(), 1);
        assert!(is_xml_log_config("logback-spring.xml"));
        assert!(is_xml_log_config("log4j2.xml"));
        assert!(!is_xml_log_config("pom.xml"));
    }
}
