"""HL7 FHIR R4: the read-only directory API and the bulk export."""
