package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// A create (POST /v1/servers, POST /v1/volumes, an attach) is never re-sent after an ambiguous
// failure, because a second send could create a second object. But the first send may have worked:
// the 202 was lost to a reset connection, a gateway's 5xx, a timeout, a garbled body or an
// interrupt. Returning an error then would leak the object: SCP has it, the state does not.
// So after such a failure the provider looks for what its request made and adopts it.

// createdAtSlack is how long before the request an object's created_at may lie and still count as
// made by it: SCP's clock and this machine's may disagree, by at most the signature window
// (requests with a timestamp further off are refused).
const createdAtSlack = 5 * time.Minute

// Lookups are repeated a few times while they find nothing, in case the new object takes a moment
// to appear in listings.
const (
	lookupAttempts = 3
	lookupSpacing  = time.Second
)

// createdObject is a listed object that may be the one a lost create made.
type createdObject struct {
	ID        string
	CreatedAt string
	State     string
}

// lookupContext is the context for looking for the object after a failed create. An interrupted
// create still deserves one short look, so that what it made is recorded rather than leaked.
func lookupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() != nil {
		return context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	}
	return context.WithCancel(ctx)
}

// createOutcome is what the provider found out about a create request that failed.
type createOutcome struct {
	// id is the object the request made, when exactly one was found: adopt it.
	id string
	// detail explains the failure for the diagnostic when nothing was adopted.
	detail string
}

// recoverCreate runs after a create request of a kind ("server", "volume") named name, sent at
// sent, failed with createErr. When the failure proves nothing was done (a 4xx refusal, a connection
// never made) it only explains the error. Otherwise it lists the objects of that name and adopts the
// one created since the request; more than one, or a failed lookup, is explained instead, with what
// the user should look for before applying again.
func recoverCreate(ctx context.Context, kind, name, address string, sent time.Time, createErr error,
	list func(context.Context) ([]createdObject, error)) createOutcome {
	if !cloud.MayHaveTakenEffect(createErr) {
		return createOutcome{detail: errorDetail(createErr)}
	}
	ctx, cancel := lookupContext(ctx)
	defer cancel()

	var (
		found   []createdObject
		unsure  []createdObject // listed without a usable created_at
		listErr error
	)
	for attempt := 1; attempt <= lookupAttempts; attempt++ {
		var objects []createdObject
		objects, listErr = list(ctx)
		if listErr != nil {
			break
		}
		found, unsure = createdSince(objects, sent.Add(-createdAtSlack))
		if len(found)+len(unsure) > 0 || attempt == lookupAttempts {
			break
		}
		t := time.NewTimer(lookupSpacing)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		if ctx.Err() != nil {
			listErr = ctx.Err()
			break
		}
	}

	lead := fmt.Sprintf("%s\n\nThat failure leaves open whether the cloud created the %s, so the provider listed the %ss named %q "+
		"and looked for one created since the request (its created_at at most %s before the request was sent, allowing for clocks that disagree). ",
		errorDetail(createErr), kind, kind, name, createdAtSlack)
	importHint := fmt.Sprintf("terraform import %s <id>", address)
	switch {
	case listErr != nil:
		return createOutcome{detail: lead + fmt.Sprintf("The lookup failed: %v\n\n"+
			"Before applying again, look for a %s named %q in the cloud: if it exists, import it (%s) or delete it; "+
			"otherwise the next apply creates another one.", listErr, kind, name, importHint)}
	case len(found) == 1 && len(unsure) == 0:
		tflog.Warn(ctx, "the create answer was lost, but the cloud created the object; adopting it", map[string]any{
			"kind": kind, "name": name, "id": found[0].ID, "state": found[0].State, "error": createErr.Error(),
		})
		return createOutcome{id: found[0].ID}
	case len(found)+len(unsure) > 1 || len(unsure) == 1:
		var ids []string
		for _, o := range append(found, unsure...) {
			ids = append(ids, o.ID)
		}
		return createOutcome{detail: lead + fmt.Sprintf("It found %s (%s) and cannot tell which one this request made, "+
			"so none was recorded in the state. Import the right one (%s) and delete the others you do not want.",
			countNoun(len(ids), kind), strings.Join(ids, ", "), importHint)}
	}
	return createOutcome{detail: lead + fmt.Sprintf("There is none: the request did not create one, and nothing was recorded in the state, "+
		"so applying again is safe. (Should a %s named %q still appear later, import it: %s.)", kind, name, importHint)}
}

// createdSince splits objects into those created at or after since and those whose created_at
// cannot be read; older ones are dropped.
func createdSince(objects []createdObject, since time.Time) (found, unsure []createdObject) {
	for _, o := range objects {
		created, err := time.Parse(time.RFC3339, o.CreatedAt)
		switch {
		case err != nil:
			unsure = append(unsure, o)
		case !created.Before(since.Truncate(time.Second)):
			found = append(found, o)
		}
	}
	return found, unsure
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "one " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// serversNamed lists the servers a lost create may have made, for recoverCreate.
func (d *providerData) serversNamed(name string) func(context.Context) ([]createdObject, error) {
	return namedObjects(d.cloud.ServersNamed, name, func(s cloud.Server) createdObject {
		return createdObject{ID: s.ID, CreatedAt: s.CreatedAt, State: s.State}
	})
}

// volumesNamed lists the volumes a lost create may have made, for recoverCreate.
func (d *providerData) volumesNamed(name string) func(context.Context) ([]createdObject, error) {
	return namedObjects(d.cloud.VolumesNamed, name, func(v cloud.Volume) createdObject {
		return createdObject{ID: v.ID, CreatedAt: v.CreatedAt, State: v.State}
	})
}

// namedObjects adapts a cloud listing by name to recoverCreate's lookup.
func namedObjects[T any](list func(context.Context, string) ([]T, error), name string, describe func(T) createdObject) func(context.Context) ([]createdObject, error) {
	return func(ctx context.Context) ([]createdObject, error) {
		objects, err := list(ctx, name)
		out := make([]createdObject, 0, len(objects))
		for _, o := range objects {
			out = append(out, describe(o))
		}
		return out, err
	}
}

// adoptOutcome is what adoptExisting found out.
type adoptOutcome int

const (
	adoptNone     adoptOutcome = iota // the volume is not attached to the server: report the attach error
	adoptAttached                     // it is: the plan now describes the attachment
	adoptPending                      // an attach is under way but was not seen to finish
	adoptUnknown                      // the attach may have taken effect, and reading failed to tell
	adoptOSDisk                       // the volume is the server's OS disk: never adopted, refused
)

// adoptExisting runs after a failed attach request: a refusal that may mean "already attached"
// (409, 400), or a failure that leaves open whether SCP carried the attach out (a reset, a 5xx, a
// timeout, a garbled answer). It reads the volume and adopts an attachment to the server; while an
// attach is still under way it waits for it (an attach never makes a duplicate, so this is the
// same wait a successful request would have had).
func (r *volumeAttachmentResource) adoptExisting(ctx context.Context, plan *volumeAttachmentModel, attachErr error) (adoptOutcome, error) {
	ambiguous := cloud.MayHaveTakenEffect(attachErr)
	if !ambiguous && !cloud.IsConflict(attachErr) && !cloud.IsRejected(attachErr) {
		return adoptNone, nil
	}
	serverID, volumeID := plan.ServerID.ValueString(), plan.VolumeID.ValueString()
	lookupCtx, cancel := lookupContext(ctx)
	defer cancel()
	volume, err := r.data.cloud.Volume(lookupCtx, volumeID)
	if err != nil {
		if ambiguous {
			return adoptUnknown, err
		}
		return adoptNone, nil
	}
	s, ok := volume.AttachedTo(serverID)
	// A volume in no documented final state has an operation under way: possibly this attach.
	if !ok && !volume.Phase.Final() {
		if ctx.Err() != nil {
			return adoptPending, ctx.Err()
		}
		volume, err = r.data.waitAttached(ctx, volumeID, serverID)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return adoptPending, err
			}
			return adoptNone, nil
		}
		s, ok = volume.AttachedTo(serverID)
	}
	if !ok {
		return adoptNone, nil
	}
	attachment, err := r.data.serverAttachment(lookupCtx, serverID, volumeID)
	if err != nil {
		if ambiguous {
			return adoptUnknown, err
		}
		return adoptNone, nil
	}
	if attachment.SystemDisk {
		return adoptOSDisk, nil
	}
	tflog.Info(ctx, "volume is attached to the server; adopting the attachment", map[string]any{
		"id": plan.ID.ValueString(), "attach_error": attachErr.Error(),
	})
	plan.Device = optionalString(s.Device)
	plan.OSVolume = types.BoolValue(attachment.SystemDisk)
	return adoptAttached, nil
}
