// Loaded before every test file (bunfig.toml): tests never reach a real network or Twilio.
process.env.TZ = "UTC";
for (const k of ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"]) delete process.env[k];
