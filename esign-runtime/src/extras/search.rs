//! The Dropbox Sign search-query syntax (feature `search`): a builder that
//! writes `field:value`, `AND`/`OR` and date ranges, and refuses what the
//! API rejects.

use std::fmt;

/// The type of value a query field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Text (`me` may stand for yourself where the documentation says so).
    String,
    /// A date, or a date and time; takes ranges.
    Date,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
}

/// A field a search query can name; generated for enums whose values
/// carry a `value-type` in the spec.
pub trait QueryField {
    /// The field's name in the query.
    fn name(&self) -> &str;
    /// The type of value it takes, when known.
    fn value_type(&self) -> Option<ValueType>;
}

/// A search query that was refused before sending.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SearchError(pub String);

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid search query: {}", self.0)
    }
}

impl std::error::Error for SearchError {}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SearchPart {
    Clause { field: Option<String>, value: SearchValue },
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SearchValue {
    Text(String),
    Range { from: String, to: String, inclusive: bool },
}

/// Builds a search query (`field:value`, `AND`/`OR`, date ranges) and
/// refuses what the API rejects (a leading wildcard, a value of the wrong
/// type for its field). `to_string()` gives the query to send as the
/// `query` parameter (the client URL-encodes it, so spaces travel as `+`,
/// as in the documentation's URLs); [`SearchQuery::docs_form`] writes it
/// the way the documentation's examples do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    parts: Vec<SearchPart>,
}

impl SearchQuery {
    /// An empty query.
    pub fn new() -> Self {
        SearchQuery::default()
    }

    fn push(mut self, field: Option<String>, value: SearchValue) -> Self {
        if matches!(self.parts.last(), Some(SearchPart::Clause { .. })) {
            self.parts.push(SearchPart::And);
        }
        self.parts.push(SearchPart::Clause { field, value });
        self
    }

    fn check_text(value: &str) -> Result<(), SearchError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(SearchError("an empty value".to_owned()));
        }
        if trimmed.starts_with('*') {
            return Err(SearchError(format!("`{trimmed}` starts with a wildcard; leading wildcards are not valid")));
        }
        Ok(())
    }

    fn check_type<F: QueryField>(field: &F, wanted: ValueType) -> Result<(), SearchError> {
        match field.value_type() {
            Some(actual) if actual != wanted => {
                Err(SearchError(format!("`{}` takes a {actual:?} value, not a {wanted:?}", field.name())))
            }
            _ => Ok(()),
        }
    }

    /// A term matched against the default fields.
    pub fn term(self, text: &str) -> Result<Self, SearchError> {
        Self::check_text(text)?;
        Ok(self.push(None, SearchValue::Text(text.trim().to_owned())))
    }

    /// `field:value` for a text field.
    pub fn field<F: QueryField>(self, field: &F, value: &str) -> Result<Self, SearchError> {
        Self::check_type(field, ValueType::String)?;
        Self::check_text(value)?;
        Ok(self.push(Some(field.name().to_owned()), SearchValue::Text(value.trim().to_owned())))
    }

    /// `field:me`, for the fields that accept yourself.
    pub fn me<F: QueryField>(self, field: &F) -> Result<Self, SearchError> {
        self.field(field, "me")
    }

    /// `field:true` or `field:false` for a boolean field.
    pub fn flag<F: QueryField>(self, field: &F, value: bool) -> Result<Self, SearchError> {
        Self::check_type(field, ValueType::Boolean)?;
        Ok(self.push(Some(field.name().to_owned()), SearchValue::Text(value.to_string())))
    }

    /// A date range: `[from TO to]` when `inclusive`, `{from TO to}` otherwise.
    pub fn range<F: QueryField>(self, field: &F, from: &str, to: &str, inclusive: bool) -> Result<Self, SearchError> {
        Self::check_type(field, ValueType::Date)?;
        Self::check_text(from)?;
        Self::check_text(to)?;
        let value = SearchValue::Range { from: from.trim().to_owned(), to: to.trim().to_owned(), inclusive };
        Ok(self.push(Some(field.name().to_owned()), value))
    }

    /// Joins the next clause with `AND` (also the default between clauses).
    pub fn and(mut self) -> Self {
        if matches!(self.parts.last(), Some(SearchPart::Clause { .. })) {
            self.parts.push(SearchPart::And);
        }
        self
    }

    /// Joins the next clause with `OR`.
    pub fn or(mut self) -> Self {
        if matches!(self.parts.last(), Some(SearchPart::Clause { .. })) {
            self.parts.push(SearchPart::Or);
        }
        self
    }

    fn render(&self, space: &str) -> String {
        let mut out = String::new();
        let clauses = self.parts.iter().rposition(|p| matches!(p, SearchPart::Clause { .. })).map_or(0, |i| i + 1);
        for part in &self.parts[..clauses] {
            match part {
                SearchPart::And => out.push_str(" AND "),
                SearchPart::Or => out.push_str(" OR "),
                SearchPart::Clause { field, value } => {
                    if let Some(field) = field {
                        out.push_str(field);
                        out.push(':');
                    }
                    match value {
                        SearchValue::Text(text) => out.push_str(&text.replace(' ', space)),
                        SearchValue::Range { from, to, inclusive } => {
                            let (open, close) = if *inclusive { ('[', ']') } else { ('{', '}') };
                            out.push(open);
                            out.push_str(&from.replace(' ', space));
                            out.push_str(space);
                            out.push_str("TO");
                            out.push_str(space);
                            out.push_str(&to.replace(' ', space));
                            out.push(close);
                        }
                    }
                }
            }
        }
        out
    }

    /// The query as the documentation writes it, spaces inside values and
    /// ranges shown as `+`: `title:Field+Trip+Release AND from:me`,
    /// `created:[2014-01-01+TO+2014-12-31]`.
    pub fn docs_form(&self) -> String {
        self.render("+")
    }
}

impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of the tests, as a generated enum would give them.
    enum Field {
        Title,
        From,
        Created,
        Complete,
        Untyped,
    }

    impl QueryField for Field {
        fn name(&self) -> &str {
            match self {
                Field::Title => "title",
                Field::From => "from",
                Field::Created => "created",
                Field::Complete => "complete",
                Field::Untyped => "untyped",
            }
        }

        fn value_type(&self) -> Option<ValueType> {
            match self {
                Field::Title | Field::From => Some(ValueType::String),
                Field::Created => Some(ValueType::Date),
                Field::Complete => Some(ValueType::Boolean),
                Field::Untyped => None,
            }
        }
    }

    #[test]
    fn clauses_join_with_and_by_default() -> Result<(), SearchError> {
        let query = SearchQuery::new().field(&Field::Title, " Field Trip Release ")?.me(&Field::From)?;
        assert_eq!(query.to_string(), "title:Field Trip Release AND from:me");
        assert_eq!(query.docs_form(), "title:Field+Trip+Release AND from:me");
        Ok(())
    }

    #[test]
    fn ranges_flags_and_terms() -> Result<(), SearchError> {
        let query = SearchQuery::new().range(&Field::Created, "2014-01-01", "2014-12-31", true)?;
        assert_eq!(query.to_string(), "created:[2014-01-01 TO 2014-12-31]");
        assert_eq!(query.docs_form(), "created:[2014-01-01+TO+2014-12-31]");
        let query = SearchQuery::new().range(&Field::Created, "2014-01-01", "2015-01-01", false)?;
        assert_eq!(query.to_string(), "created:{2014-01-01 TO 2015-01-01}");
        let query = SearchQuery::new().flag(&Field::Complete, true)?.or().term("NDA")?;
        assert_eq!(query.to_string(), "complete:true OR NDA");
        let query = SearchQuery::new().field(&Field::Untyped, "anything")?.and().term("x*")?;
        assert_eq!(query.to_string(), "untyped:anything AND x*");
        Ok(())
    }

    #[test]
    fn stray_joins_are_dropped() -> Result<(), SearchError> {
        assert_eq!(SearchQuery::new().and().or().to_string(), "");
        assert_eq!(SearchQuery::new().term("a")?.or().to_string(), "a");
        assert_eq!(SearchQuery::new().term("a")?.or().and().term("b")?.to_string(), "a OR b");
        assert_eq!(SearchQuery::new(), SearchQuery::default());
        Ok(())
    }

    #[test]
    fn what_the_api_rejects_is_refused() {
        let err = SearchQuery::new().field(&Field::Title, "*trip").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid search query: `*trip` starts with a wildcard; leading wildcards are not valid"
        );
        assert_eq!(SearchQuery::new().term("  ").unwrap_err(), SearchError("an empty value".to_owned()));
        let err = SearchQuery::new().flag(&Field::Title, true).unwrap_err();
        assert_eq!(err.0, "`title` takes a String value, not a Boolean");
        assert!(SearchQuery::new().range(&Field::Title, "a", "b", true).is_err());
        assert!(SearchQuery::new().field(&Field::Created, "2014-01-01").is_err());
        assert!(SearchQuery::new().range(&Field::Created, "2014", "*", true).is_err());
    }
}
