using QoinHub.Simulator.Cli;

return await SimulatorCommandLine.InvokeAsync(args, TimeProvider.System);
