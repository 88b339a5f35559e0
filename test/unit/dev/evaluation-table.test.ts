import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTable, wrapText } from '../../../dev/evaluation-table.js';

const ARN = 'arn:aws:iam::123456789012:instance-profile/AmazonSSMRoleForInstancesQuickSetup';
const ANNOTATION = `App-tier instance (tier=app) uses instance profile ${ARN}, which is not in allowedInstanceProfileArns; switch it with ec2 replace-iam-instance-profile-association`;

describe('wrapText', () => {
  it('never cuts an ARN: a word longer than the width gets a line of its own', () => {
    // Act
    const lines = wrapText(ANNOTATION, 40);

    // Assess
    expect(lines).toContain(`${ARN},`);
    expect(lines.filter((line) => line.length > 40)).toEqual([
      `${ARN},`,
      'ec2 replace-iam-instance-profile-association',
    ]);
  });

  it('keeps an AWS CLI command on one line', () => {
    // Act
    const lines = wrapText(ANNOTATION, 48);

    // Assess
    expect(lines.some((line) => line.includes('ec2 replace-iam-instance-profile-association'))).toBe(true);
    expect(lines.some((line) => line.endsWith('ec2'))).toBe(false);
  });

  it('keeps every word whole and in order, and lines within the width unless one word is wider', () => {
    const word = fc.stringMatching(/^[\w:/.,=()-]{1,60}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 8, max: 80 }),
        (words, width) => {
          // Act
          const lines = wrapText(words.join(' '), width);

          // Assess
          expect(lines.join(' ')).toBe(words.join(' '));
          for (const line of lines) expect(line.length <= width || !line.includes(' ')).toBe(true);
        },
      ),
    );
  });
});

describe('renderTable', () => {
  it('prints the ARN of an annotation whole, on a continuation line of its own', () => {
    // Prepare
    const rows = [
      {
        file: 'profile-not-allowed.json',
        path: 'events/profile-not-allowed.json',
        messageType: 'ConfigurationItemChangeNotification',
        resourceType: 'AWS::EC2::Instance',
        resourceId: 'i-042dd005362091826',
        result: 'NON_COMPLIANT',
        annotation: ANNOTATION,
      },
    ];

    // Act
    const table = renderTable(rows, 100);

    // Assess
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^EVENT +MESSAGE TYPE +RESOURCE +RESULT +ANNOTATION$/);
    expect(lines[2]).toMatch(/^profile-not-allowed +change +i-042dd005362091826 +NON_COMPLIANT +App-tier/);
    expect(lines.some((line) => line.trim() === `${ARN},`)).toBe(true);
    expect(table).toContain('ec2 replace-iam-instance-profile-association');
  });
});
