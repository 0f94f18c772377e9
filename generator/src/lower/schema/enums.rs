//! `enum` -> forward-compatible enums, with the per-value data of
//! `x-esign-values`.

use super::*;

impl<'a> Lowerer<'a> {
    pub(in crate::lower) fn lower_enum(
        &mut self,
        values: Vec<ir::EnumValue>,
        repr: ir::EnumRepr,
        schema: &Schema,
        pointer: &str,
    ) -> Result<ir::Enum, Error> {
        // Memory here grows with the values (an enum can list 200,000):
        // one text per value, and the set of them only while deduplicating.
        let mut texts: Vec<String> = Vec::with_capacity(values.len());
        let mut wires: Vec<ir::EnumValue> = Vec::with_capacity(values.len());
        {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            for value in values {
                let text = match &value {
                    ir::EnumValue::String(s) => s.clone(),
                    ir::EnumValue::Integer(i) => i.to_string(),
                };
                if seen.contains(&text) {
                    self.warn(&pointer_join(pointer, "enum"), format!("value `{text}` is listed twice; kept once"));
                } else {
                    seen.insert(text.clone());
                    texts.push(text);
                    wires.push(value);
                }
            }
        }
        let per_value = self.lower_enum_values(schema, &texts, pointer)?;
        let unknown_variant = "UnknownValue".to_owned();
        let names = match repr {
            ir::EnumRepr::String => naming::variant_names(&texts, &unknown_variant),
            // Integer values have no words; name them after the number.
            ir::EnumRepr::Integer => {
                let spelled: Vec<String> = texts.iter().map(|t| format!("V{}", t.replace('-', "Minus"))).collect();
                naming::variant_names(&spelled, &unknown_variant)
            }
        };
        let variants = wires
            .into_iter()
            .zip(texts)
            .zip(names)
            .map(|((wire, text), name)| {
                let extensions::ValueDoc { description: docs, http_status, pattern, value_type } =
                    per_value.get(&text).cloned().unwrap_or_default();
                ir::Variant {
                    name,
                    wire,
                    docs,
                    http_status: http_status.map(|s| s.0),
                    pattern: pattern.map(|p| p.0),
                    value_type,
                }
            })
            .collect();
        Ok(ir::Enum { repr, variants, unknown_variant })
    }

    /// Reads `x-esign-values`: value -> { description, http-status, ... }.
    pub(in crate::lower) fn lower_enum_values(
        &self,
        schema: &Schema,
        texts: &[String],
        pointer: &str,
    ) -> Result<extensions::Values, Error> {
        let values: Option<extensions::Values> =
            self.read(&schema.schema_data.extensions, "x-esign-values", pointer)?;
        let values = values.unwrap_or_default();
        if let Some(value) = values.keys().find(|value| !texts.contains(value)) {
            let at = pointer_join(&pointer_join(pointer, "x-esign-values"), value);
            return Err(self.invalid(&at, format!("`{value}` is not one of the enum's values")));
        }
        Ok(values)
    }
}
