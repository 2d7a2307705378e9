import axios from "axios";

export async function preview(req, res) {
  // ruleid: javascript-ssrf-request-url
  const page = await axios.get(req.query.url);
  // ok: javascript-ssrf-request-url
  const w = await axios.get("https://api.weather.example/v1", { params: { city: req.query.city } });
  res.json({ page: page.data, w: w.data });
}
