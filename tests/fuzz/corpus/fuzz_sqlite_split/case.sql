case when 1 then begin end;
begin immediate; commit