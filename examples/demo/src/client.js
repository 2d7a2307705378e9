// The same fake token pasted a second time: one finding, two locations.
const token = "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";

// palisade:ignore[secrets/generic-password] demo fixture, the value is fake
const apiKey = "7fG2kL9qX4pZ8wR1";

module.exports = { token, apiKey };
