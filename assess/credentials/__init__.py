"""Open Badges 3.0 credentials: building, signing (Data Integrity eddsa-rdfc-2022 and VC-JWT)
and verifying. Pure: keys, documents and the time are passed in."""
