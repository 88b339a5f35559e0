"""Builds events/*.json from a folder of real Config captures (run once; output is committed).

Every sample keeps the captured envelope and configuration item; the edits are listed in events/README.md.
Usage: python3 scripts/make-sample-events.py <captures-dir> events [<peer-events-dir>]
With the third folder (instances from other projects' recorded DescribeInstances data, turned into Config
change events), it also writes the samples of owned instances.
"""
import copy, json, pathlib, re, sys

real = pathlib.Path(sys.argv[1])
out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
PARAMS = json.dumps({"appTierTagKey": "tier", "appTierTagValue": "app"})

def load(p): return json.loads((real / p).read_text())

# Every sample is of one account, the one the test and local Lambda contexts run in: the captures disagree
# (one is sanitised to 13 digits), and the function refuses events for an account it does not run in.
ACCOUNT = "123456789012"
# The accounts of the captures, wherever they appear: envelope, invoking event (a JSON string), ARNs of
# rules, roles, instance profiles and instances, DescribeInstances owners.
CAPTURED_ACCOUNTS = re.compile(r"(?<![0-9])(0123456789012|681361479661|644160558196|101010101111)(?![0-9])")

def one_account(text): return CAPTURED_ACCOUNTS.sub(ACCOUNT, text)

def write(name, envelope):
    envelope["accountId"] = ACCOUNT
    (out / name).write_text(one_account(json.dumps(envelope, indent=2) + "\n"))

def tag_app(ci):
    ci["tags"] = dict(ci.get("tags") or {}, tier="app")
    if ci.get("configuration") is not None:
        ci["configuration"]["tags"] = (ci["configuration"].get("tags") or []) + [{"key": "tier", "value": "app"}]

changed = load("powertools/awsConfigRuleConfigurationChanged.json")
changed_ie = json.loads(changed["invokingEvent"])

def change_envelope(invoking, **extra):
    env = copy.deepcopy(changed)
    env["invokingEvent"] = json.dumps(invoking)
    env["ruleParameters"] = PARAMS
    env.update(extra)
    return env

# compliant: the real 2023 capture (profile attached), tagged into the app tier
ie = copy.deepcopy(changed_ie); tag_app(ie["configurationItem"])
write("compliant.json", change_envelope(ie))
# left scope: the same event with eventLeftScope true
write("left-scope.json", change_envelope(ie, eventLeftScope=True))
# profile outside the allowed list
env = change_envelope(ie)
env["ruleParameters"] = json.dumps({"appTierTagKey": "tier", "appTierTagValue": "app",
    "allowedInstanceProfileArns": "arn:aws:iam::123456789012:instance-profile/app-tier-approved"})
write("profile-not-allowed.json", env)

# no profile: atlassian lifecycle CI #0 (iamInstanceProfile null), tagged into the app tier
ie0 = load("atlassian-awsconfig-transformerd/ec2.0.ResourceDiscovered.CREATE.invoking-event.json")
tag_app(ie0["configurationItem"])
write("no-profile.json", change_envelope(ie0, accountId=ie0["configurationItem"]["awsAccountId"]))
# not app tier: lifecycle CI #2 as captured (no tier tag)
ie2 = load("atlassian-awsconfig-transformerd/ec2.2.OK.UPDATE.invoking-event.json")
write("not-app-tier.json", change_envelope(ie2, accountId=ie2["configurationItem"]["awsAccountId"]))
# deleted: lifecycle CI #4 as captured (configuration null)
ie4 = load("atlassian-awsconfig-transformerd/ec2.4.ResourceDeleted.DELETE.invoking-event.json")
write("deleted.json", change_envelope(ie4, accountId=ie4["configurationItem"]["awsAccountId"]))

# oversized: the AWS example, pointed at the instance of the rdk history sample
over = load("powertools/awsConfigRuleOversizedConfiguration.json")
oie = json.loads(over["invokingEvent"])
hist = load("rdk/AWS_EC2_Instance.example_ci.json")
s = oie["configurationItemSummary"]
s.update(resourceId=hist["resourceId"], ARN=hist["arn"], awsAccountId=hist["accountId"], awsRegion=hist["awsRegion"],
         availabilityZone=hist["availabilityZone"], configurationItemCaptureTime=hist["configurationItemCaptureTime"])
over["invokingEvent"] = json.dumps(oie)
over["ruleParameters"] = PARAMS
over["accountId"] = hist["accountId"]
write("oversized.json", over)

# the history item GetResourceConfigHistory returns for it: API shape, configuration as a JSON string
h = copy.deepcopy(hist)
h["tags"] = {"tier": "app"}
h["configuration"]["tags"] = [{"key": "tier", "value": "app"}]
h["configuration"] = json.dumps(h["configuration"])
(out / "local-aws").mkdir(exist_ok=True)
(out / "local-aws" / "resource-config-history.json").write_text(one_account(json.dumps({"configurationItems": [h]}, indent=2) + "\n"))

sched = load("powertools/awsConfigRuleScheduled.json")
sched["ruleParameters"] = PARAMS
write("scheduled.json", sched)
legacy = copy.deepcopy(sched)
lie = json.loads(legacy["invokingEvent"]); lie["messageType"] = "ConfigurationSnapshotDeliveryCompleted"
legacy["invokingEvent"] = json.dumps(lie)
write("snapshot-delivery-completed.json", legacy)

# Owned instances: AWS's own tags say who launched them; the annotation names that owner and the fix there.
if len(sys.argv) > 3:
    peers = pathlib.Path(sys.argv[3]) / "events" / "custodian" / "placebo"
    def peer(name): return json.loads((peers / name).read_text())
    # An Auto Scaling group's instance from a launch template (aws:autoscaling:groupName,
    # aws:ec2launchtemplate:id/version), no instance profile, tier=app as the peer event has it.
    asg = peer("placebo__test_asg_propagate_tag_action__i-0cbf71d8ed0854b1b.json")
    asg["ruleParameters"] = PARAMS
    write("auto-scaling-no-profile.json", asg)
    # A CloudFormation stack's own instance (aws:cloudformation:stack-name, logical id Instance), whose
    # profile is not the one the rule allows.
    cfn = peer("placebo__test_security_hub_instance_findings_filter__i-0f1c2ffaea36228b0.json")
    cfn["ruleParameters"] = json.dumps({"appTierTagKey": "tier", "appTierTagValue": "app",
        "allowedInstanceProfileArns": "arn:aws:iam::123456789012:instance-profile/app-tier-approved"})
    write("cloudformation-profile-not-allowed.json", cfn)

# What the local endpoint serves beside the history (instances.json, compliance-results.json) is written by
# hand; it is of the same one account.
for path in sorted((out / "local-aws").glob("*.json")):
    path.write_text(one_account(path.read_text()))
