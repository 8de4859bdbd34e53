// Renders a sidecar injector template the way istiod does: Go's text/template, with the pod facts
// istiod passes (ObjectMeta, Spec, DeploymentMeta, TypeMeta) and the template functions the generated
// templates use (toLower and structToJSON from istiod's function map, default from sprig), with the
// same semantics. Reads {"template": ..., "input": ...} as JSON on stdin; writes the rendered text.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"text/template"
)

type ContainerPort struct {
	Name          string `json:"name,omitempty"`
	HostPort      int32  `json:"hostPort,omitempty"`
	ContainerPort int32  `json:"containerPort"`
	Protocol      string `json:"protocol,omitempty"`
	HostIP        string `json:"hostIP,omitempty"`
}

type Container struct {
	Name  string          `json:"name"`
	Ports []ContainerPort `json:"ports"`
}

type PodSpec struct {
	Containers []Container `json:"containers"`
}

type ObjectMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

type TypeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

type Input struct {
	ObjectMeta     ObjectMeta `json:"objectMeta"`
	Spec           PodSpec    `json:"spec"`
	DeploymentMeta ObjectMeta `json:"deploymentMeta"`
	TypeMeta       TypeMeta   `json:"typeMeta"`
}

type Request struct {
	Template string `json:"template"`
	Input    Input  `json:"input"`
}

// sprig's default: the given value unless it is empty, else the default.
func defaultValue(d interface{}, given ...interface{}) interface{} {
	if len(given) == 0 || given[0] == nil {
		return d
	}
	v := reflect.ValueOf(given[0])
	if v.IsZero() {
		return d
	}
	return given[0]
}

func structToJSON(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func main() {
	var req Request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	funcs := template.FuncMap{
		"toLower":      strings.ToLower,
		"structToJSON": structToJSON,
		"default":      defaultValue,
	}
	t, err := template.New("sidecar").Funcs(funcs).Option("missingkey=error").Parse(req.Template)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parse:", err)
		os.Exit(1)
	}
	if err := t.Execute(os.Stdout, req.Input); err != nil {
		fmt.Fprintln(os.Stderr, "execute:", err)
		os.Exit(1)
	}
}
