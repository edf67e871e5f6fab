using QoinHub.OperatorTool.Cli;

return await OperatorCommandLine.InvokeAsync(args, OperatorConsole.FromProcess());
