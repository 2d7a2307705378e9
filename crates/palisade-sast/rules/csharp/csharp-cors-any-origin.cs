builder.Services.AddCors(o => o.AddPolicy("api", p =>
    // ruleid: csharp-cors-any-origin
    p.AllowAnyOrigin()));
builder.Services.AddCors(o => o.AddPolicy("web", p =>
    // ok: csharp-cors-any-origin
    p.WithOrigins("https://app.example.com")));
