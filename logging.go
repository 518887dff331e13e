package main

// logEnvironment lists the variables with which a user asks Terraform for provider logs.
var logEnvironment = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietLogsUnlessAsked turns the provider's logging off when no log was asked for. The plugin SDK
// writes a JSON trace line for every step of every RPC, and Terraform discards them all when
// TF_LOG is unset; on a plan of hundreds of resources that was about a third of the provider's CPU
// and half of the plan's time. Any of the variables above, when set, leaves logging as configured.
func quietLogsUnlessAsked(getenv func(string) string, setenv func(string, string) error) {
	for _, name := range logEnvironment {
		if getenv(name) != "" {
			return
		}
	}
	_ = setenv("TF_LOG_SDK", "off")
	_ = setenv("TF_LOG_PROVIDER", "off")
}
