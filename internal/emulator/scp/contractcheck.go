package scp

import "github.com/scp-community/terraform-provider-scp/internal/contract"

// ContractViolations returns every way the API traffic departed from the contract so
// far (requests and answers), oldest first; nil unless Config.CheckContract.
// Violations are recorded once an exchange is complete: after Close (or after
// closing the server Handler is mounted on) the list is final.
func (e *Emulator) ContractViolations() []contract.Violation {
	if e.contract == nil {
		return nil
	}
	return e.contract.Violations()
}

// TakeContractViolations returns the violations so far and forgets them, for tests
// that send off-contract requests on purpose.
func (e *Emulator) TakeContractViolations() []contract.Violation {
	if e.contract == nil {
		return nil
	}
	return e.contract.Take()
}

// ResetContractViolations forgets the violations recorded so far.
func (e *Emulator) ResetContractViolations() {
	if e.contract != nil {
		e.contract.Reset()
	}
}

// ContractChecked reports whether the emulator checks its traffic (Config.CheckContract).
func (e *Emulator) ContractChecked() bool { return e.contract != nil }
