//! Objects -> structs: fields, unlisted properties, and the whole-object
//! checks (`x-esign-exactly-one-of`, `x-esign-contrast`, ...).

use super::*;

impl<'a> Lowerer<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(in crate::lower) fn lower_struct(
        &mut self,
        name: &str,
        props: Vec<Prop<'_>>,
        required: Vec<String>,
        additional: Option<&AdditionalProperties>,
        pointer: &str,
        extensions: &indexmap::IndexMap<String, Value>,
    ) -> Result<ir::Struct, Error> {
        let mut scope = Scope::default();
        let mut fields: Vec<ir::Field> = Vec::with_capacity(props.len());
        for prop in props {
            // A later allOf part redefines a property: the last one wins.
            if let Some(existing) = fields.iter().position(|f| f.wire_name == prop.wire) {
                fields.remove(existing);
            }
            let field_name = scope.claim(naming::field_name(prop.wire));
            let context = format!("{name} {}", prop.wire);
            let ty = self.schema_or_ref(prop.schema, &context, &prop.pointer)?;
            let nullable = self.schema_or_ref_nullable(prop.schema);
            let (docs, deprecated, default) = match prop.schema {
                ReferenceOr::Item(s) => {
                    self.check_extensions(&s.schema_data.extensions, &prop.pointer);
                    let default = s.schema_data.default.as_ref().map(Value::to_string);
                    (schema_docs(s), s.schema_data.deprecated, default)
                }
                ReferenceOr::Reference { .. } => (String::new(), false, None),
            };
            let (mut pattern, (min_items, max_items)) = match prop.schema {
                ReferenceOr::Item(s) => constraints(s),
                ReferenceOr::Reference { .. } => (None, (None, None)),
            };
            // JSON Schema patterns are ECMA-262 expressions; those the regex
            // crate cannot run (lookaround, backreferences) are not checked,
            // with a warning when the API asked for validation.
            if let Some(p) = &pattern {
                if let Err(err) = regex::Regex::new(p) {
                    if self.validate {
                        let at = pointer_join(&prop.pointer, "pattern");
                        let message = format!(
                            "pattern not checked by validate(): {}",
                            err.to_string().lines().last().unwrap_or("")
                        );
                        self.warn(&at, message);
                    }
                    pattern = None;
                }
            }
            fields.push(ir::Field {
                name: field_name,
                wire_name: prop.wire.to_owned(),
                docs,
                ty,
                required: required.iter().any(|r| r == prop.wire),
                nullable,
                deprecated,
                default,
                pattern,
                min_items,
                max_items,
                pointer: ir::Pointer(prop.pointer),
            });
        }
        let extra = match additional {
            Some(AdditionalProperties::Any(false)) => ir::Extra::Deny(scope.claim("extra".to_owned())),
            Some(AdditionalProperties::Schema(inner)) => {
                let field = scope.claim("extra".to_owned());
                let ty = self.schema_or_ref(
                    inner.as_ref(),
                    &format!("{name} extra"),
                    &pointer_join(pointer, "additionalProperties"),
                )?;
                ir::Extra::Typed(field, ty)
            }
            _ => ir::Extra::Keep(scope.claim("extra".to_owned())),
        };
        let checks = self.struct_checks(&fields, extensions, pointer)?;
        Ok(ir::Struct { fields, extra, checks })
    }

    /// Reads the whole-object checks of a struct from its extensions.
    pub(in crate::lower) fn struct_checks(
        &self,
        fields: &[ir::Field],
        extensions: &indexmap::IndexMap<String, Value>,
        pointer: &str,
    ) -> Result<ir::StructChecks, Error> {
        let rust_name = |wire: &str, at: &str| -> Result<String, Error> {
            fields
                .iter()
                .find(|f| f.wire_name == wire)
                .map(|f| f.name.clone())
                .ok_or_else(|| self.invalid(at, format!("`{wire}` is not a property of this object")))
        };
        let mut checks = ir::StructChecks::default();
        let exactly_one_of: Option<extensions::ExactlyOneOf> =
            self.read(extensions, "x-esign-exactly-one-of", pointer)?;
        if let Some(names) = exactly_one_of {
            let at = pointer_join(pointer, "x-esign-exactly-one-of");
            checks.exactly_one_of.push(names.iter().map(|n| rust_name(n, &at)).collect::<Result<_, _>>()?);
        }
        let violations: Option<extensions::Violations> = self.read(extensions, "x-esign-violations", pointer)?;
        if let Some(codes) = violations {
            checks.codes = codes.into_iter().map(|(rule, code)| ir::ViolationCode { rule: rule.0, code }).collect();
        }
        let group_rules: Option<extensions::GroupRules> = self.read(extensions, "x-esign-group-rules", pointer)?;
        if let Some(rules) = group_rules {
            let at = pointer_join(pointer, "x-esign-group-rules");
            checks.group_rules = Some(ir::GroupRules {
                fields: rust_name(&rules.fields, &pointer_join(&at, "fields"))?,
                groups: rust_name(&rules.groups, &pointer_join(&at, "groups"))?,
                required_for: rules.required_for,
            });
        }
        let contrast: Option<extensions::Contrast> = self.read(extensions, "x-esign-contrast", pointer)?;
        if let Some(contrast) = contrast {
            let at = pointer_join(pointer, "x-esign-contrast");
            let fixed: Vec<ir::FixedColour> =
                contrast.fixed.into_iter().map(|(element, hex)| ir::FixedColour { element, hex }).collect();
            let inherit: Vec<ir::Inherit> =
                contrast.inherit.into_iter().map(|(element, from)| ir::Inherit { element, from }).collect();
            let pair_list: Vec<ir::ContrastPair> =
                contrast.pairs.into_iter().map(|(element, against)| ir::ContrastPair { element, against }).collect();
            let known =
                |name: &str| fields.iter().any(|f| f.wire_name == name) || fixed.iter().any(|f| f.element == name);
            for pair in &pair_list {
                for name in std::iter::once(&pair.element).chain(&pair.against) {
                    if !known(name) {
                        return Err(self.invalid(
                            &pointer_join(&at, "pairs"),
                            format!("`{name}` is neither a property nor fixed"),
                        ));
                    }
                }
            }
            let elements = fields
                .iter()
                .filter(|f| f.ty == ir::TypeRef::String)
                .map(|f| {
                    let default = f.default.as_ref().and_then(|d| serde_json::from_str::<String>(d).ok());
                    ir::ContrastElement { wire_name: f.wire_name.clone(), field: f.name.clone(), default }
                })
                .collect();
            checks.contrast =
                Some(Box::new(ir::Contrast { minimum: contrast.minimum, fixed, inherit, pairs: pair_list, elements }));
        }
        Ok(checks)
    }
}
