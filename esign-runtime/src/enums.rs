//! Open enums: the values a spec lists, plus whatever else the API sends,
//! kept as received. The [`open_enum!`](crate::open_enum) macro writes one,
//! with the same API the generator used to write out by hand for every enum.

// How the macro is named: `#[macro_export]` puts a macro at the root of the
// crate that compiles it, which is this crate's root, or the root of a crate
// that vendors these sources as its module `runtime`. It is exported under a
// hidden name, and `lib.rs` re-exports it as `open_enum` next to everything
// else, so `esign_runtime::open_enum!` and, in a vendoring crate,
// `crate::runtime::open_enum!` both work.
//
// How the macro names things: serde through `$crate::__private::serde`
// (a hidden re-export at the root of this crate), std and core through
// absolute `::std::` and `::core::` paths, so the calling module needs no
// `use` and no `serde` dependency of its own. When these sources are
// vendored, the copier rewrites `$crate::` to `$crate::runtime::`, which is
// where `__private` is then; so the macro must name nothing else through
// `$crate` (in particular it cannot call itself through `$crate`).

/// Defines an open enum: the listed values, plus `UnknownValue` holding any
/// other value exactly as received.
///
/// Two macros, `open_enum!` for string values and `open_int_enum!` for
/// integer values, with one syntax: the body is an ordinary enum item whose
/// variants carry `(wire value)` or `(wire value, "description")` as their
/// discriminant (so the generator's formatter can lay it out as an item).
/// Attributes on the enum and on each value (doc comments, `#[deprecated]`)
/// are kept; the description is what `description()` returns.
///
/// For a string enum the macro writes:
///
/// - the enum, deriving `Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord`,
///   `#[non_exhaustive]`, with `UnknownValue(String)` last;
/// - `KNOWN` (the listed values, in order), `as_str()`, `description()` and
///   `is_known()`;
/// - `From<&str>`, `From<String>` (an unknown value keeps the `String`),
///   `FromStr` (never fails), `Display` (the wire text), and serde
///   `Serialize` / `Deserialize` as a JSON string.
///
/// For an integer enum: `UnknownValue(i64)`, `as_i64()` instead of
/// `as_str()`, `From<i64>`, `FromStr` (parses the trimmed text as an `i64`
/// and fails with its `ParseIntError` otherwise), `Display` (the number),
/// and serde as a JSON integer.
///
/// ```
/// esign_runtime::open_enum! {
///     /// How dates are written.
///     pub enum DateFormat {
///         /// `MM / DD / YYYY`
///         MmSlashDdSlashYyyy = ("MM / DD / YYYY"),
///         /// `YYYY / MM / DD`
///         YyyyMmDd = ("YYYY / MM / DD", "Year first"),
///     }
/// }
///
/// esign_runtime::open_int_enum! {
///     /// A numeric code.
///     pub enum Code {
///         /// `0`
///         V0 = (0),
///         /// `-1`
///         Minus1 = (-1, "Failed"),
///     }
/// }
///
/// let format: DateFormat = "YYYY / MM / DD".parse().unwrap();
/// assert_eq!(format, DateFormat::YyyyMmDd);
/// assert_eq!(format.description(), Some("Year first"));
/// assert_eq!(DateFormat::from("DD.MM.YYYY"), DateFormat::UnknownValue("DD.MM.YYYY".to_owned()));
/// assert_eq!(DateFormat::KNOWN, &[DateFormat::MmSlashDdSlashYyyy, DateFormat::YyyyMmDd]);
///
/// assert_eq!(Code::from(-1), Code::Minus1);
/// assert_eq!(Code::from(7).to_string(), "7");
/// assert!("seven".parse::<Code>().is_err());
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = ($wire:literal $(, $description:literal)? $(,)?)
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            ::core::clone::Clone,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
            ::core::cmp::PartialOrd,
            ::core::cmp::Ord,
        )]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )*
            /// A value this client does not know, kept exactly as received (a string).
            UnknownValue(::std::string::String),
        }

        #[allow(deprecated)]
        impl $name {
            /// Every value the documentation lists, in its order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant,)*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::UnknownValue(value) => value.as_str(),
                }
            }

            /// The documentation's text for this value, if it has any.
            pub fn description(&self) -> ::core::option::Option<&'static str> {
                match self {
                    // The first element is the description when one was
                    // given, else `None`.
                    $(Self::$variant => [$(::core::option::Option::Some($description),)? ::core::option::Option::None][0],)*
                    Self::UnknownValue(_) => ::core::option::Option::None,
                }
            }

            /// Whether the documentation lists this value.
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, Self::UnknownValue(_))
            }
        }

        #[allow(deprecated)]
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::UnknownValue(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        #[allow(deprecated)]
        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::UnknownValue(_) => Self::UnknownValue(value),
                    // Unreachable when the enum lists no value.
                    #[allow(unreachable_patterns)]
                    known => known,
                }
            }
        }

        #[allow(deprecated)]
        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        #[allow(deprecated)]
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[allow(deprecated)]
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[allow(deprecated)]
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value =
                    <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(Self::from(value))
            }
        }
    };
}

/// Defines an open enum of integer values: the integer form of
/// [`open_enum!`](crate::open_enum), with the same syntax.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = ($wire:literal $(, $description:literal)? $(,)?)
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            ::core::clone::Clone,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
            ::core::cmp::PartialOrd,
            ::core::cmp::Ord,
        )]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )*
            /// A value this client does not know, kept exactly as received (an integer).
            UnknownValue(i64),
        }

        #[allow(deprecated)]
        impl $name {
            /// Every value the documentation lists, in its order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant,)*];

            /// The value as sent on the wire.
            pub fn as_i64(&self) -> i64 {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::UnknownValue(value) => *value,
                }
            }

            /// The documentation's text for this value, if it has any.
            pub fn description(&self) -> ::core::option::Option<&'static str> {
                match self {
                    // The first element is the description when one was
                    // given, else `None`.
                    $(Self::$variant => [$(::core::option::Option::Some($description),)? ::core::option::Option::None][0],)*
                    Self::UnknownValue(_) => ::core::option::Option::None,
                }
            }

            /// Whether the documentation lists this value.
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, Self::UnknownValue(_))
            }
        }

        #[allow(deprecated)]
        impl ::core::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::UnknownValue(other),
                }
            }
        }

        #[allow(deprecated)]
        impl ::core::str::FromStr for $name {
            type Err = ::core::num::ParseIntError;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(value.trim().parse::<i64>()?))
            }
        }

        #[allow(deprecated)]
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.as_i64(), f)
            }
        }

        #[allow(deprecated)]
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        #[allow(deprecated)]
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value = <i64 as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(Self::from(value))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    // The macro is named by its public path, the re-export in `lib.rs`.
    use crate::{open_enum, open_int_enum};

    open_enum! {
        /// How dates are written.
        pub enum DateFormat {
            /// `MM / DD / YYYY`
            MmSlashDdSlashYyyy = ("MM / DD / YYYY"),
            /// `YYYY / MM / DD`
            YyyyMmDd = ("YYYY / MM / DD", "The documentation's description of this value"),
            /// `old`
            #[deprecated]
            Old = ("old", "Do not use"),
        }
    }

    open_int_enum! {
        /// A numeric code.
        pub enum Code {
            /// `0`
            V0 = (0),
            /// `1`
            V1 = (1, "described"),
            /// `-5`
            Minus5 = (-5),
        }
    }

    open_enum! {
        /// A string enum with no listed value.
        pub enum Nothing {}
    }

    open_int_enum! {
        /// An integer enum with no listed value.
        pub enum NoNumber {}
    }

    #[test]
    fn string_values_round_trip_through_json() {
        for value in DateFormat::KNOWN {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{}\"", value.as_str()));
            assert_eq!(&serde_json::from_str::<DateFormat>(&json).unwrap(), value);
        }
        let unknown: DateFormat = serde_json::from_str("\"DD.MM.YYYY\"").unwrap();
        assert_eq!(unknown, DateFormat::UnknownValue("DD.MM.YYYY".to_owned()));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"DD.MM.YYYY\"");
        assert!(!unknown.is_known());
        assert!(serde_json::from_str::<DateFormat>("3").is_err());
    }

    #[test]
    #[allow(deprecated)]
    fn string_enums_list_convert_and_describe() {
        assert_eq!(DateFormat::KNOWN, [DateFormat::MmSlashDdSlashYyyy, DateFormat::YyyyMmDd, DateFormat::Old]);
        assert_eq!(DateFormat::from("YYYY / MM / DD"), DateFormat::YyyyMmDd);
        assert_eq!(DateFormat::from(String::from("old")), DateFormat::Old);
        assert_eq!(DateFormat::from(String::from("other")), DateFormat::UnknownValue("other".to_owned()));
        assert_eq!("MM / DD / YYYY".parse::<DateFormat>(), Ok(DateFormat::MmSlashDdSlashYyyy));
        assert_eq!(" old".parse::<DateFormat>(), Ok(DateFormat::UnknownValue(" old".to_owned())));
        assert_eq!(DateFormat::YyyyMmDd.to_string(), "YYYY / MM / DD");
        assert_eq!(DateFormat::UnknownValue("x".to_owned()).to_string(), "x");
        assert_eq!(DateFormat::MmSlashDdSlashYyyy.description(), None);
        assert_eq!(DateFormat::YyyyMmDd.description(), Some("The documentation's description of this value"));
        assert_eq!(DateFormat::Old.description(), Some("Do not use"));
        assert_eq!(DateFormat::UnknownValue("x".to_owned()).description(), None);
        assert!(DateFormat::Old.is_known());
        // Derived order follows the listing, unknown values last.
        assert!(DateFormat::MmSlashDdSlashYyyy < DateFormat::YyyyMmDd);
        assert!(DateFormat::Old < DateFormat::UnknownValue(String::new()));
    }

    #[test]
    fn integer_values_round_trip_through_json() {
        for value in Code::KNOWN {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, value.as_i64().to_string());
            assert_eq!(&serde_json::from_str::<Code>(&json).unwrap(), value);
        }
        assert_eq!(serde_json::from_str::<Code>("42").unwrap(), Code::UnknownValue(42));
        assert_eq!(serde_json::to_string(&Code::UnknownValue(42)).unwrap(), "42");
        assert!(serde_json::from_str::<Code>("\"1\"").is_err());
    }

    #[test]
    fn integer_enums_list_convert_and_describe() {
        assert_eq!(Code::KNOWN, [Code::V0, Code::V1, Code::Minus5]);
        assert_eq!(Code::from(-5), Code::Minus5);
        assert_eq!(Code::from(7), Code::UnknownValue(7));
        assert_eq!(Code::Minus5.as_i64(), -5);
        assert_eq!(" 1 ".parse::<Code>(), Ok(Code::V1));
        assert_eq!("99".parse::<Code>(), Ok(Code::UnknownValue(99)));
        let err = "one".parse::<Code>().unwrap_err();
        assert_eq!(err, "one".parse::<i64>().unwrap_err());
        assert!("".parse::<Code>().is_err());
        assert_eq!(Code::Minus5.to_string(), "-5");
        assert_eq!(format!("{:>4}", Code::V1), "   1", "Display passes the formatter on");
        assert_eq!(Code::V1.description(), Some("described"));
        assert_eq!(Code::V0.description(), None);
        assert!(Code::V0.is_known() && !Code::UnknownValue(0).is_known());
    }

    #[test]
    fn empty_enums_keep_everything_as_unknown() {
        assert!(Nothing::KNOWN.is_empty());
        let value: Nothing = serde_json::from_str("\"anything\"").unwrap();
        assert_eq!(value, Nothing::UnknownValue("anything".to_owned()));
        assert_eq!(value.as_str(), "anything");
        assert_eq!(value.description(), None);
        assert_eq!(value.to_string(), "anything");
        assert!(!value.is_known());
        assert!(NoNumber::KNOWN.is_empty());
        assert_eq!(NoNumber::from(3), NoNumber::UnknownValue(3));
        assert_eq!(serde_json::to_string(&NoNumber::UnknownValue(3)).unwrap(), "3");
        assert_eq!(NoNumber::UnknownValue(3).as_i64(), 3);
        assert_eq!(NoNumber::UnknownValue(3).description(), None);
        assert!(!NoNumber::UnknownValue(3).is_known());
        assert_eq!("4".parse::<NoNumber>(), Ok(NoNumber::UnknownValue(4)));
        assert_eq!(NoNumber::UnknownValue(-4).to_string(), "-4");
        assert_eq!(serde_json::from_str::<NoNumber>("8").unwrap(), NoNumber::UnknownValue(8));
    }
}
