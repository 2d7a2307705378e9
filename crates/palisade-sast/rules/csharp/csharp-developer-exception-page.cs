var app = builder.Build();
// ruleid: csharp-developer-exception-page
app.UseDeveloperExceptionPage();
if (app.Environment.IsDevelopment())
{
    // ok: csharp-developer-exception-page
    app.UseDeveloperExceptionPage();
}
