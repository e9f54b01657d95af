import type { CfnResourceJson, TemplateScope } from './app-templates.js';
import { EU_GUARD_RULES, type EuGuardRule, type Finding } from './eu-guard-rules.js';
import { valuesAt } from './property-values.js';
import type { RegionProver } from './region-proof.js';

/** Edge networks: CloudFront and what is built on it, Global Accelerator, EDGE-optimized APIs and Lambda@Edge. */
export function edgeFindings(resource: CfnResourceJson, scope: TemplateScope, prover: RegionProver): Finding[] {
  const properties = resource.Properties ?? {};
  return [
    ...edgeServiceFindings(resource.Type, properties),
    ...edgeOptimizedApiFindings(resource.Type, properties),
    ...lambdaAtEdgeFindings(resource.Type, properties, scope, prover),
  ];
}

/** Services that receive traffic, and see client IP addresses, at edge locations worldwide. */
function edgeServiceFindings(type: string, properties: Readonly<Record<string, unknown>>): Finding[] {
  const finding = (rule: EuGuardRule, message: string, location = 'Type'): Finding[] => [{ rule, message, location }];
  const { cloudFront, globalAccelerator } = EU_GUARD_RULES;
  if (type.startsWith('AWS::CloudFront::')) {
    return finding(cloudFront, `${type} serves and caches content, and logs viewer IP addresses, at CloudFront edge locations worldwide`);
  }
  if (type === 'AWS::Amplify::App') return finding(cloudFront, 'Amplify Hosting serves the app through CloudFront edge locations worldwide');
  if (type === 'AWS::AppSync::DomainName') return finding(cloudFront, 'an AppSync custom domain is served through CloudFront edge locations worldwide');
  if (type === 'AWS::Lightsail::Distribution') return finding(cloudFront, 'a Lightsail distribution is a CloudFront distribution with edge locations worldwide');
  if (type === 'AWS::Cognito::UserPoolDomain' && properties.CustomDomainConfig !== undefined) {
    return finding(cloudFront, 'a Cognito custom domain is served through CloudFront edge locations worldwide', 'Properties/CustomDomainConfig');
  }
  if (type === 'AWS::S3::Bucket') {
    const status = valuesAt(properties, 'AccelerateConfiguration/AccelerationStatus')[0]?.value;
    if (status !== undefined && status !== 'Suspended') {
      return finding(cloudFront, 'S3 Transfer Acceleration routes uploads and downloads through CloudFront edge locations worldwide', 'Properties/AccelerateConfiguration');
    }
  }
  if (type.startsWith('AWS::GlobalAccelerator::')) {
    return finding(globalAccelerator, `${type} terminates client connections at AWS edge locations worldwide`);
  }
  if (type === 'AWS::S3::MultiRegionAccessPoint') {
    return finding(globalAccelerator, 'an S3 Multi-Region Access Point routes requests through Global Accelerator edge locations worldwide');
  }
  return [];
}

/**
 * REST APIs and their custom domains default to EDGE (a CloudFront
 * distribution managed by API Gateway) when no endpoint type is given.
 */
function edgeOptimizedApiFindings(type: string, properties: Readonly<Record<string, unknown>>): Finding[] {
  const rule = EU_GUARD_RULES.edgeOptimizedApi;
  if (type === 'AWS::ApiGateway::RestApi' || type === 'AWS::ApiGateway::DomainName') {
    const what = type === 'AWS::ApiGateway::RestApi' ? 'the REST API' : 'the API Gateway custom domain';
    const findings: Finding[] = [];
    const types = properties.EndpointConfiguration === undefined ? undefined : valuesAt(properties, 'EndpointConfiguration/Types')[0]?.value;
    if (types === undefined) {
      findings.push({ rule, message: `${what} sets no endpoint type, so API Gateway makes it EDGE-optimized (served through CloudFront edge locations worldwide)`, location: 'Properties/EndpointConfiguration' });
    } else if (!Array.isArray(types) || types.some((t) => typeof t !== 'string')) {
      findings.push({ rule, message: `${what}'s endpoint types are only known at deploy time and may be EDGE`, location: 'Properties/EndpointConfiguration/Types' });
    } else if (types.includes('EDGE')) {
      findings.push({ rule, message: `${what} is EDGE-optimized (served through CloudFront edge locations worldwide)`, location: 'Properties/EndpointConfiguration/Types' });
    }
    if (properties.CertificateArn !== undefined) {
      findings.push({ rule, message: `${what} uses CertificateArn, the certificate of an EDGE-optimized domain (a regional domain uses RegionalCertificateArn)`, location: 'Properties/CertificateArn' });
    }
    return findings;
  }
  if (type === 'AWS::ApiGatewayV2::DomainName') {
    return valuesAt(properties, 'DomainNameConfigurations/*/EndpointType')
      .filter(({ value }) => value === 'EDGE')
      .map(({ location }) => ({ rule, message: 'the API Gateway custom domain is EDGE-optimized (served through CloudFront edge locations worldwide)', location }));
  }
  return [];
}

/** Lambda@Edge runs in every CloudFront edge location; such a function is trusted by, or invokable by, edgelambda.amazonaws.com. */
function lambdaAtEdgeFindings(type: string, properties: Readonly<Record<string, unknown>>, scope: TemplateScope, prover: RegionProver): Finding[] {
  const path =
    type === 'AWS::IAM::Role' ? 'AssumeRolePolicyDocument/Statement/*/Principal/Service' : type === 'AWS::Lambda::Permission' ? 'Principal' : undefined;
  if (path === undefined) return [];
  return valuesAt(properties, path)
    .flatMap(({ value, location }) => (Array.isArray(value) ? value.map((v, i) => ({ value: v as unknown, location: `${location}/${i}` })) : [{ value, location }]))
    .filter(({ value }) => prover.render(value, scope) === 'edgelambda.amazonaws.com')
    .map(({ location }) => ({
      rule: EU_GUARD_RULES.lambdaAtEdge,
      message: 'edgelambda.amazonaws.com is trusted here, which only a Lambda@Edge function needs: Lambda@Edge replicates and runs the code in CloudFront edge locations worldwide',
      location,
    }));
}
