import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import { decide, needsProfileRole } from '../../../src/rule/decide.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { instanceView, ruleParameters } from '../../support/arbitraries.js';
import { appInstance } from '../../support/instances.js';

const REQUIRE_ROLE: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: true };

describe('decide: requireRoleInProfile', () => {
  it('is COMPLIANT when IAM confirmed a role in the profile', () => {
    // Act
    const decision = decide(appInstance({ profileHoldsRole: true }), REQUIRE_ROLE, { eventLeftScope: false });

    // Assess
    expect(decision).toMatchObject({ compliance: ComplianceType.Compliant, reason: Reason.UsesRole });
  });

  it('is NON_COMPLIANT for a profile without a role (or no longer existing), saying how to fix it', () => {
    // Act
    const decision = decide(appInstance({ profileHoldsRole: false }), REQUIRE_ROLE, {
      eventLeftScope: false,
    });

    // Assess
    expect(decision).toEqual({
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutRole,
      annotation:
        'Profile holds no IAM role, or is deleted (app): add a role with iam add-role-to-instance-profile (app-tier tag tier=app)',
    });
  });

  it('is NON_COMPLIANT, never a guessed COMPLIANT, when the lookup could not say', () => {
    // Act
    const decision = decide(appInstance(), REQUIRE_ROLE, { eventLeftScope: false });

    // Assess
    expect(decision).toEqual({
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutRole,
      annotation:
        "Profile's IAM role could not be checked (app): check it with iam get-instance-profile in the instance's account (app-tier tag tier=app)",
    });
  });

  it.each([true, false, undefined])(
    'ignores profileHoldsRole=%s when the option is off',
    (profileHoldsRole) => {
      // Act
      const decision = decide(
        appInstance({ profileHoldsRole }),
        { ...REQUIRE_ROLE, requireRoleInProfile: false },
        { eventLeftScope: false },
      );

      // Assess
      expect(decision.compliance).toBe(ComplianceType.Compliant);
    },
  );

  it('keeps the earlier steps first: no profile is reported as such, not as a missing role', () => {
    // Act
    const decision = decide(appInstance({ instanceProfileArn: undefined }), REQUIRE_ROLE, {
      eventLeftScope: false,
    });

    // Assess
    expect(decision.reason).toBe(Reason.NoProfile);
  });

  it('with the option on, COMPLIANT always means IAM confirmed a role', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, (view, parameters) => {
        const decision = decide(
          view,
          { ...parameters, requireRoleInProfile: true },
          { eventLeftScope: false },
        );
        return decision.compliance !== ComplianceType.Compliant || view.profileHoldsRole === true;
      }),
    );
  });
});

describe('needsProfileRole', () => {
  it('is true exactly when the role in the profile changes the decision', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, fc.boolean(), (recorded, parameters, eventLeftScope) => {
        // Prepare
        const { profileHoldsRole: _known, ...view } = recorded;
        const context = { eventLeftScope };

        // Act
        const needed = needsProfileRole(view, parameters, context);

        // Assess
        const withRole = decide({ ...view, profileHoldsRole: true }, parameters, context);
        const withoutRole = decide({ ...view, profileHoldsRole: false }, parameters, context);
        expect(needed).toBe(withRole.compliance !== withoutRole.compliance);
      }),
    );
  });

  it('is false once the role is known', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, fc.boolean(), (view, parameters, holdsRole) => {
        expect(
          needsProfileRole({ ...view, profileHoldsRole: holdsRole }, parameters, { eventLeftScope: false }),
        ).toBe(false);
      }),
    );
  });

  it('is true for an app-tier instance with an allowed profile, false for the earlier steps', () => {
    // Assess
    expect(needsProfileRole(appInstance(), REQUIRE_ROLE, { eventLeftScope: false })).toBe(true);
    expect(needsProfileRole(appInstance(), REQUIRE_ROLE, { eventLeftScope: true })).toBe(false);
    expect(
      needsProfileRole(appInstance({ instanceProfileArn: undefined }), REQUIRE_ROLE, {
        eventLeftScope: false,
      }),
    ).toBe(false);
    expect(
      needsProfileRole(
        appInstance(),
        { ...REQUIRE_ROLE, allowedInstanceProfileArns: new Set(['other']) },
        { eventLeftScope: false },
      ),
    ).toBe(false);
    expect(
      needsProfileRole(appInstance({ tags: new Map([['tier', 'web']]) }), REQUIRE_ROLE, {
        eventLeftScope: false,
      }),
    ).toBe(false);
  });
});
