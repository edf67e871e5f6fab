// The smallest custom handler: listens (--urls) and answers GET / with 200.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "ready");
app.Run();
