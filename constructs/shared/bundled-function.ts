// A Lambda function from functions/<source>/index.ts: the esbuild bundle as a zip asset, its own
// log group (JSON logs, retention) and the function. Shared by every function of the project.
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, type ITerraformDependable, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { bundleFunction, HANDLER, LAMBDA_RUNTIME } from './bundle';

export interface BundledFunctionProps {
  /** Folder under functions/ with an index.ts exporting `handler`. */
  source: string;
  /** Data files the zip carries beside index.js (name -> text). */
  files?: Record<string, string>;
  functionName: string;
  description: string;
  roleArn: string;
  timeoutSeconds: number;
  memorySizeMb: number;
  environment: Record<string, string>;
  /**
   * Not `/aws/lambda/<function>`: a legacy function already created that group, so creating it
   * would fail; the function is pointed at this one instead (logging_config).
   */
  logGroupName: string;
  logRetentionDays: number;
  /** Terraform logical IDs, fixed so moved blocks can target them. */
  logicalIds: { function: string; logGroup: string };
  dependsOn?: ITerraformDependable[];
}

export class BundledFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly asset: TerraformAsset;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const bundle = bundleFunction(props.source, props.files);
    this.asset = new TerraformAsset(this, 'bundle', {
      path: bundle.zipPath,
      type: AssetType.FILE,
      // The zip's own hash: the asset path changes exactly when the code does.
      assetHash: bundle.zipSha256Hex.slice(0, 32).toUpperCase(),
    });

    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
    });
    this.logGroup.overrideLogicalId(props.logicalIds.logGroup);

    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: props.roleArn,
      runtime: LAMBDA_RUNTIME,
      handler: HANDLER,
      filename: this.asset.path,
      // Lambda's CodeSha256 of this very zip, as the provider documents it.
      sourceCodeHash: bundle.zipSha256,
      timeout: props.timeoutSeconds,
      memorySize: props.memorySizeMb,
      environment: { variables: props.environment },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
    });
    this.function.overrideLogicalId(props.logicalIds.function);
  }
}
