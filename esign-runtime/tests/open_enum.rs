//! `open_enum!` as a generated crate uses it: from another crate, with no
//! `use` and no serde dependency of its own in scope, under
//! `#![deny(missing_docs)]` (and clippy's `-D warnings` in the checks).
#![deny(missing_docs)]

/// Enums declared the way generated `types.rs` files declare them.
pub mod types {
    esign_runtime::open_enum! {
        /// Values that collide once punctuation is dropped.
        ///
        /// ```text
        /// match value {
        ///     DateFormat::MmSlashDdSlashYyyy => { /* ... */ }
        ///     other => println!("{other}"),
        /// }
        /// ```
        pub enum DateFormat {
            /// `MM / DD / YYYY`
            MmSlashDdSlashYyyy = ("MM / DD / YYYY"),
            /// `MM - DD - YYYY`
            MmDashDdDashYyyy = ("MM - DD - YYYY"),
            /// `YYYY / MM / DD`: The documentation's description of this value
            YyyyMmDd = ("YYYY / MM / DD", "The documentation's description of this value"),
        }
    }

    esign_runtime::open_enum! {
        /// An enum whose values are all awkward names.
        pub enum Awkward {
            /// `type`
            Type = ("type"),
            /// ``
            Empty = (""),
            /// `UnknownValue`
            UnknownValue2 = ("UnknownValue"),
            /// `legacy`
            #[deprecated = "use `type`"]
            Legacy = ("legacy", "Kept for old clients"),
        }
    }

    esign_runtime::open_enum! {
        /// A deprecated enum.
        #[deprecated]
        pub enum OldKind {
            /// `a`
            A = ("a"),
        }
    }

    esign_runtime::open_int_enum! {
        /// Documented HTTP statuses.
        pub enum Code {
            /// `0`
            V0 = (0),
            /// `1`: described
            V1 = (1, "described"),
            /// `-1`
            #[deprecated]
            Minus1 = (-1),
        }
    }

    esign_runtime::open_enum! {
        /// Nothing listed.
        pub enum Empty {}
    }

    esign_runtime::open_int_enum! {
        /// Nothing listed, as integers.
        pub enum EmptyCode {}
    }

    esign_runtime::open_enum! {
        /// Visible to this crate only.
        pub(crate) enum Internal {
            /// `x`
            X = ("x"),
        }
    }

    /// A struct holding open enums, as generated structs do.
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    pub struct Holder {
        /// A string enum.
        pub format: DateFormat,
        /// An integer enum.
        pub code: Code,
        /// An optional one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub awkward: Option<Awkward>,
    }
}

use types::*;

#[test]
fn string_enums_behave_as_the_generated_ones() {
    assert_eq!(DateFormat::KNOWN, [DateFormat::MmSlashDdSlashYyyy, DateFormat::MmDashDdDashYyyy, DateFormat::YyyyMmDd]);
    assert_eq!(DateFormat::from("MM - DD - YYYY"), DateFormat::MmDashDdDashYyyy);
    assert_eq!("nope".parse::<DateFormat>(), Ok(DateFormat::UnknownValue("nope".to_owned())));
    assert_eq!(DateFormat::YyyyMmDd.to_string(), "YYYY / MM / DD");
    assert_eq!(DateFormat::YyyyMmDd.description(), Some("The documentation's description of this value"));
    assert_eq!(DateFormat::MmDashDdDashYyyy.description(), None);
    assert!(DateFormat::YyyyMmDd.is_known());

    // A listed value named like the catch-all stays a listed value.
    assert_eq!(Awkward::from("UnknownValue"), Awkward::UnknownValue2);
    assert_eq!(Awkward::from(""), Awkward::Empty);
    assert_eq!(Awkward::Empty.as_str(), "");
    assert_eq!(Internal::from("x"), Internal::X);
}

#[test]
#[allow(deprecated)]
fn deprecated_values_and_enums_still_work() {
    assert_eq!(Awkward::from("legacy"), Awkward::Legacy);
    assert_eq!(Awkward::Legacy.description(), Some("Kept for old clients"));
    assert_eq!(Code::from(-1), Code::Minus1);
    assert_eq!(OldKind::KNOWN, [OldKind::A]);
    assert_eq!(serde_json::to_string(&OldKind::A).unwrap(), "\"a\"");
}

#[test]
fn integer_enums_behave_as_the_generated_ones() {
    assert_eq!(Code::from(1), Code::V1);
    assert_eq!(Code::from(9), Code::UnknownValue(9));
    assert_eq!(Code::V1.as_i64(), 1);
    assert_eq!(Code::V1.to_string(), "1");
    assert_eq!("0".parse::<Code>(), Ok(Code::V0));
    assert!("zero".parse::<Code>().is_err());
    assert_eq!(Code::V1.description(), Some("described"));
}

#[test]
fn values_round_trip_inside_structs() {
    let holder = Holder { format: DateFormat::YyyyMmDd, code: Code::UnknownValue(42), awkward: Some(Awkward::Type) };
    let json = serde_json::to_string(&holder).unwrap();
    assert_eq!(json, r#"{"format":"YYYY / MM / DD","code":42,"awkward":"type"}"#);
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);

    let unknown: Holder = serde_json::from_str(r#"{"format":"DD.MM","code":0,"awkward":"new"}"#).unwrap();
    assert_eq!(unknown.format, DateFormat::UnknownValue("DD.MM".to_owned()));
    assert_eq!(unknown.awkward, Some(Awkward::UnknownValue("new".to_owned())));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), r#"{"format":"DD.MM","code":0,"awkward":"new"}"#);
}

#[test]
fn empty_enums_keep_every_value() {
    assert!(Empty::KNOWN.is_empty() && EmptyCode::KNOWN.is_empty());
    let value: Empty = serde_json::from_str("\"v\"").unwrap();
    assert_eq!(value, Empty::UnknownValue("v".to_owned()));
    assert_eq!(Empty::from(String::from("w")).as_str(), "w");
    assert_eq!(EmptyCode::from(5).as_i64(), 5);
}
