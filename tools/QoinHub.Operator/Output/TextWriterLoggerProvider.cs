using Microsoft.Extensions.Logging;

namespace QoinHub.OperatorTool.Output;

/// <summary>
/// The app's log events on the tool's error output, one line each: level, event, message, and the
/// exception's messages without a stack trace (the app's log messages never carry secrets).
/// </summary>
public sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }

    private sealed class Logger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var line = $"{Label(logLevel)}: {category[(category.LastIndexOf('.') + 1)..]}[{eventId.Id}] {formatter(state, exception)}";
            for (var inner = exception; inner is not null; inner = inner.InnerException)
            {
                line += $"{Environment.NewLine}      {inner.GetType().Name}: {FirstLine(inner.Message)}";
            }

            provider.Write(line);
        }

        private static string Label(LogLevel level) => level switch
        {
            LogLevel.Critical => "crit",
            LogLevel.Error => "fail",
            LogLevel.Warning => "warn",
            LogLevel.Information => "info",
            _ => "dbug",
        };

        private static string FirstLine(string message)
        {
            var end = message.IndexOfAny(['\r', '\n']);
            return end < 0 ? message : message[..end];
        }
    }
}
